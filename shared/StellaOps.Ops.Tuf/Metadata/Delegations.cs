using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// A targets role's <c>delegations</c>: the keys of the delegated roles, and either an ordered list of roles (each
/// with <c>paths</c> patterns or <c>path_hash_prefixes</c>) or <c>succinct_roles</c> (hash bins).
/// </summary>
public sealed class Delegations
{
    public Dictionary<string, TufKey> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The delegated roles in priority order; null when <see cref="SuccinctRoles"/> is used.</summary>
    public List<DelegatedRole>? Roles { get; set; }

    public SuccinctRoles? SuccinctRoles { get; set; }

    public JsonObject UnrecognizedFields { get; set; } = new();

    internal static Delegations Read(JsonNode node, string role)
    {
        var f = new JsonFields(node, role, "delegations");
        var d = new Delegations();
        foreach (var (id, key) in f.Object("keys")) d.Keys[id] = TufKey.Read(key, role);
        var roles = f.Take("roles");
        var succinct = f.Take("succinct_roles");
        if ((roles is null) == (succinct is null)) throw TufErrors.Invalid(role, "delegations must have exactly one of 'roles' and 'succinct_roles'");
        if (roles is not null)
        {
            if (roles is not JsonArray list) throw TufErrors.Invalid(role, "delegations.roles is not an array");
            d.Roles = list.Select(r => DelegatedRole.Read(r, role)).ToList();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in d.Roles)
            {
                if (!names.Add(r.Name)) throw TufErrors.Invalid(role, $"delegations list '{r.Name}' twice");
                if (TufRoleNames.TopLevel.Contains(r.Name)) throw TufErrors.Invalid(role, $"a delegated role cannot be named '{r.Name}'");
            }
        }
        else
        {
            d.SuccinctRoles = Tuf.SuccinctRoles.Read(succinct, role);
        }
        d.UnrecognizedFields = f.Rest;
        return d;
    }

    internal JsonObject ToJson()
    {
        var keys = new JsonObject();
        foreach (var (id, key) in Keys) keys[id] = key.ToJson();
        var o = new JsonObject { ["keys"] = keys };
        if (Roles is not null) o["roles"] = new JsonArray(Roles.Select(r => (JsonNode?)r.ToJson()).ToArray());
        if (SuccinctRoles is not null) o["succinct_roles"] = SuccinctRoles.ToJson();
        JsonFields.AddUnrecognized(o, UnrecognizedFields);
        return o;
    }

    /// <summary>The delegated roles responsible for <paramref name="targetPath"/>, in priority order, each with whether it is terminating.</summary>
    public IEnumerable<(string Name, bool Terminating)> GetRolesForTarget(string targetPath)
    {
        if (Roles is not null)
        {
            foreach (var r in Roles)
                if (r.IsDelegatedPath(targetPath)) yield return (r.Name, r.Terminating);
        }
        else if (SuccinctRoles is not null)
        {
            yield return (SuccinctRoles.GetRoleForTarget(targetPath), false);
        }
    }

    /// <summary>The keys and threshold for the delegated role <paramref name="name"/>, or null when this does not delegate to it.</summary>
    public TufRoleKeys? FindRole(string name)
    {
        if (Roles is not null) return Roles.FirstOrDefault(r => r.Name == name);
        return SuccinctRoles is not null && SuccinctRoles.IsDelegatedRole(name) ? SuccinctRoles : null;
    }
}

/// <summary>One delegated role: name, keys, threshold, <c>terminating</c>, and the target paths it is trusted for.</summary>
public sealed class DelegatedRole : TufRoleKeys
{
    public required string Name { get; init; }

    public bool Terminating { get; set; }

    /// <summary>Patterns (<c>*</c>, <c>?</c>, <c>[…]</c> within one path segment); null when <see cref="PathHashPrefixes"/> is used.</summary>
    public List<string>? Paths { get; set; }

    public List<string>? PathHashPrefixes { get; set; }

    internal static new DelegatedRole Read(JsonNode? node, string role)
    {
        var f = new JsonFields(node, role, "delegated role");
        var r = new DelegatedRole { Name = f.String("name") };
        r.ReadKeys(f, role);
        r.Terminating = f.Boolean("terminating");
        r.Paths = f.OptionalStringList("paths");
        r.PathHashPrefixes = f.OptionalStringList("path_hash_prefixes");
        if (r.Paths is not null && r.PathHashPrefixes is not null)
            throw TufErrors.Invalid(role, $"delegated role '{r.Name}' has both 'paths' and 'path_hash_prefixes'");
        r.UnrecognizedFields = f.Rest;
        return r;
    }

    internal new JsonObject ToJson()
    {
        var o = new JsonObject { ["name"] = Name, ["terminating"] = Terminating };
        WriteKeys(o);
        if (Paths is not null) o["paths"] = JsonFields.ToArray(Paths);
        if (PathHashPrefixes is not null) o["path_hash_prefixes"] = JsonFields.ToArray(PathHashPrefixes);
        JsonFields.AddUnrecognized(o, UnrecognizedFields);
        return o;
    }

    /// <summary>Whether this role is trusted for <paramref name="targetPath"/>.</summary>
    public bool IsDelegatedPath(string targetPath)
    {
        if (Paths is not null) return Paths.Any(p => PathPattern.Matches(targetPath, p));
        if (PathHashPrefixes is not null)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(targetPath)));
            return PathHashPrefixes.Any(p => hash.StartsWith(p, StringComparison.Ordinal));
        }
        return false;
    }
}

/// <summary>
/// <c>succinct_roles</c> (TAP 15): 2^bit_length hash bins named <c>{name_prefix}-{bin in hex}</c>, all with the same
/// keys and threshold; a target belongs to the bin of the first <c>bit_length</c> bits of the SHA-256 of its path.
/// </summary>
public sealed class SuccinctRoles : TufRoleKeys
{
    public int BitLength { get; set; }

    public required string NamePrefix { get; init; }

    public int NumberOfBins => 1 << BitLength;

    private int SuffixLength => (NumberOfBins - 1).ToString("x").Length;

    internal static new SuccinctRoles Read(JsonNode? node, string role)
    {
        var f = new JsonFields(node, role, "succinct_roles");
        var bits = f.Integer("bit_length");
        if (bits is < 1 or > 32) throw TufErrors.Invalid(role, "succinct_roles.bit_length must be 1 to 32");
        var s = new SuccinctRoles { BitLength = (int)bits, NamePrefix = f.String("name_prefix") };
        s.ReadKeys(f, role);
        s.UnrecognizedFields = f.Rest;
        return s;
    }

    internal new JsonObject ToJson()
    {
        var o = new JsonObject { ["bit_length"] = BitLength, ["name_prefix"] = NamePrefix };
        WriteKeys(o);
        JsonFields.AddUnrecognized(o, UnrecognizedFields);
        return o;
    }

    public string GetRoleForTarget(string targetPath)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(targetPath));
        var bin = BitLength == 32 ? BinaryPrimitives.ReadUInt32BigEndian(hash) : BinaryPrimitives.ReadUInt32BigEndian(hash) >> (32 - BitLength);
        return BinName(bin);
    }

    public string BinName(uint bin) => $"{NamePrefix}-{bin.ToString("x").PadLeft(SuffixLength, '0')}";

    public IEnumerable<string> GetRoles()
    {
        for (uint i = 0; i < (uint)NumberOfBins; i++) yield return BinName(i);
    }

    public bool IsDelegatedRole(string name)
    {
        var prefix = NamePrefix + "-";
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var suffix = name[prefix.Length..];
        if (suffix.Length != SuffixLength || !suffix.All(char.IsAsciiHexDigitLower)) return false;
        return uint.TryParse(suffix, System.Globalization.NumberStyles.AllowHexSpecifier, null, out var bin) && bin < (uint)NumberOfBins;
    }
}

/// <summary>
/// Delegation path patterns as the spec (and python-tuf) match them: the pattern and the path are split at <c>/</c>,
/// must have as many segments, and each segment matches shell-style (<c>*</c> any run, <c>?</c> one character,
/// <c>[abc]</c>, <c>[!abc]</c>); so <c>*</c> never crosses a <c>/</c>.
/// </summary>
public static class PathPattern
{
    public static bool Matches(string path, string pattern)
    {
        var p = path.Split('/');
        var q = pattern.Split('/');
        if (p.Length != q.Length) return false;
        for (var i = 0; i < p.Length; i++)
            if (!Segment(p[i], 0, q[i], 0)) return false;
        return true;
    }

    private static bool Segment(string s, int si, string p, int pi)
    {
        while (pi < p.Length)
        {
            var c = p[pi];
            if (c == '*')
            {
                while (pi < p.Length && p[pi] == '*') pi++;
                if (pi == p.Length) return true;
                for (var k = si; k <= s.Length; k++)
                    if (Segment(s, k, p, pi)) return true;
                return false;
            }
            if (si >= s.Length) return false;
            if (c == '?')
            {
                si++;
                pi++;
                continue;
            }
            if (c == '[' && TryClass(p, pi, s[si], out var matched, out var next))
            {
                if (!matched) return false;
                si++;
                pi = next;
                continue;
            }
            if (s[si] != c) return false;
            si++;
            pi++;
        }
        return si == s.Length;
    }

    // fnmatch's [seq] and [!seq], with ranges a-z; an unclosed '[' is a literal.
    private static bool TryClass(string p, int start, char ch, out bool matched, out int next)
    {
        matched = false;
        next = start;
        var i = start + 1;
        var negate = i < p.Length && p[i] == '!';
        if (negate) i++;
        var first = i;
        while (i < p.Length && (p[i] != ']' || i == first)) i++;
        if (i >= p.Length) return false;
        var body = p[first..i];
        var hit = false;
        for (var k = 0; k < body.Length; k++)
        {
            if (k + 2 < body.Length && body[k + 1] == '-')
            {
                if (ch >= body[k] && ch <= body[k + 2]) hit = true;
                k += 2;
            }
            else if (body[k] == ch) hit = true;
        }
        matched = hit != negate;
        next = i + 1;
        return true;
    }
}

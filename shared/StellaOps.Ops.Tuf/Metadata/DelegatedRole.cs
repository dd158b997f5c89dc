using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

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

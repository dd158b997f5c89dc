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

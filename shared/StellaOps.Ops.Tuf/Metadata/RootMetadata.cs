using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

/// <summary>root.json: the keys, which of them sign each top-level role, and whether the repository uses consistent snapshots.</summary>
public sealed class RootMetadata : TufSigned
{
    public override string Type => TufRoleNames.Root;

    public bool ConsistentSnapshot { get; set; } = true;

    public Dictionary<string, TufKey> Keys { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, TufRoleKeys> Roles { get; set; } = new(StringComparer.Ordinal);

    internal override void ReadFields(JsonFields f, string role)
    {
        ConsistentSnapshot = f.Take("consistent_snapshot") is { } cs ? cs.GetValue<bool>() : false;
        foreach (var (id, key) in f.Object("keys")) Keys[id] = TufKey.Read(key, role);
        foreach (var (name, r) in f.Object("roles")) Roles[name] = TufRoleKeys.Read(r, role);
        foreach (var required in TufRoleNames.TopLevel)
            if (!Roles.ContainsKey(required)) throw TufErrors.Invalid(role, $"roles has no '{required}'");
    }

    internal override void WriteFields(JsonObject o)
    {
        o["consistent_snapshot"] = ConsistentSnapshot;
        var keys = new JsonObject();
        foreach (var (id, key) in Keys) keys[id] = key.ToJson();
        o["keys"] = keys;
        var roles = new JsonObject();
        foreach (var (name, r) in Roles) roles[name] = r.ToJson();
        o["roles"] = roles;
    }

    /// <summary>Adds the key (under its spec key id) to a role; returns the key id.</summary>
    public string AddKey(TufKey key, string role)
    {
        var id = key.ComputeKeyId();
        Keys[id] = key;
        if (!Roles.TryGetValue(role, out var r)) Roles[role] = r = new TufRoleKeys();
        if (!r.KeyIds.Contains(id)) r.KeyIds.Add(id);
        return id;
    }

    /// <summary>Removes the key from a role, and from <see cref="Keys"/> when no role uses it any more.</summary>
    public void RevokeKey(string keyId, string role)
    {
        if (Roles.TryGetValue(role, out var r)) r.KeyIds.Remove(keyId);
        if (!Roles.Values.Any(x => x.KeyIds.Contains(keyId))) Keys.Remove(keyId);
    }
}

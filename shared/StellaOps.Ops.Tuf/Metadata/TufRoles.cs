using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

/// <summary>The names of the four top-level roles.</summary>
public static class TufRoleNames
{
    public const string Root = "root";
    public const string Timestamp = "timestamp";
    public const string Snapshot = "snapshot";
    public const string Targets = "targets";

    public static IReadOnlyList<string> TopLevel { get; } = [Root, Timestamp, Snapshot, Targets];
}

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

/// <summary>What snapshot and timestamp say about one metadata file: its version, and optionally its length and hashes.</summary>
public sealed class MetaFile
{
    public long Version { get; set; } = 1;

    public long? Length { get; set; }

    public Dictionary<string, string>? Hashes { get; set; }

    public JsonObject UnrecognizedFields { get; set; } = new();

    internal static MetaFile Read(JsonNode? node, string role)
    {
        var f = new JsonFields(node, role, "meta");
        var m = new MetaFile { Version = f.Integer("version"), Length = f.OptionalInteger("length") };
        if (m.Version < 1) throw TufErrors.Invalid(role, "a meta version is not positive");
        if (m.Length is < 0) throw TufErrors.Invalid(role, "a meta length is negative");
        if (f.Rest.ContainsKey("hashes"))
        {
            m.Hashes = f.StringMap("hashes");
            if (m.Hashes.Count == 0) throw TufErrors.Invalid(role, "a meta hashes object is empty");
        }
        m.UnrecognizedFields = f.Rest;
        return m;
    }

    internal JsonObject ToJson()
    {
        var o = new JsonObject { ["version"] = Version };
        if (Length is { } l) o["length"] = l;
        if (Hashes is not null) o["hashes"] = HashesToJson(Hashes);
        JsonFields.AddUnrecognized(o, UnrecognizedFields);
        return o;
    }

    internal static JsonObject HashesToJson(Dictionary<string, string> hashes)
    {
        var h = new JsonObject();
        foreach (var (k, v) in hashes) h[k] = v;
        return h;
    }

    /// <summary>A meta entry describing <paramref name="data"/> with its length and SHA-256 (what a repository writes when it lists hashes).</summary>
    public static MetaFile Describing(long version, ReadOnlySpan<byte> data) => new()
    {
        Version = version,
        Length = data.Length,
        Hashes = new(StringComparer.Ordinal) { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(data)) },
    };
}

/// <summary>timestamp.json: the current snapshot's version (and optionally its length and hashes).</summary>
public sealed class TimestampMetadata : TufSigned
{
    public override string Type => TufRoleNames.Timestamp;

    public MetaFile SnapshotMeta { get; set; } = new();

    internal override void ReadFields(JsonFields f, string role)
    {
        var meta = f.Object("meta");
        if (meta.Count != 1 || meta["snapshot.json"] is null) throw TufErrors.Invalid(role, "meta must list exactly 'snapshot.json'");
        SnapshotMeta = MetaFile.Read(meta["snapshot.json"], role);
    }

    internal override void WriteFields(JsonObject o) => o["meta"] = new JsonObject { ["snapshot.json"] = SnapshotMeta.ToJson() };
}

/// <summary>snapshot.json: the version (and optionally length and hashes) of every targets metadata file.</summary>
public sealed class SnapshotMetadata : TufSigned
{
    public override string Type => TufRoleNames.Snapshot;

    public Dictionary<string, MetaFile> Meta { get; set; } = new(StringComparer.Ordinal);

    internal override void ReadFields(JsonFields f, string role)
    {
        foreach (var (name, m) in f.Object("meta")) Meta[name] = MetaFile.Read(m, role);
    }

    internal override void WriteFields(JsonObject o)
    {
        var meta = new JsonObject();
        foreach (var (name, m) in Meta) meta[name] = m.ToJson();
        o["meta"] = meta;
    }
}

/// <summary>One target a targets role lists: its path, length and hashes, and what else the repository put there (<c>custom</c>).</summary>
public sealed class TargetFile
{
    public required string Path { get; init; }

    public long Length { get; set; }

    public Dictionary<string, string> Hashes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Fields besides length and hashes (<c>custom</c> among them), as received.</summary>
    public JsonObject UnrecognizedFields { get; set; } = new();

    public JsonNode? Custom => UnrecognizedFields["custom"];

    internal static TargetFile Read(string path, JsonNode? node, string role)
    {
        var f = new JsonFields(node, role, $"target '{path}'");
        var t = new TargetFile { Path = path, Length = f.Integer("length"), Hashes = f.StringMap("hashes") };
        if (t.Length < 0) throw TufErrors.Invalid(role, $"target '{path}' has a negative length");
        if (t.Hashes.Count == 0) throw TufErrors.Invalid(role, $"target '{path}' lists no hashes");
        t.UnrecognizedFields = f.Rest;
        return t;
    }

    internal JsonObject ToJson()
    {
        var o = new JsonObject { ["length"] = Length, ["hashes"] = MetaFile.HashesToJson(Hashes) };
        JsonFields.AddUnrecognized(o, UnrecognizedFields);
        return o;
    }

    /// <summary>A target entry for <paramref name="data"/> with its length and SHA-256.</summary>
    public static TargetFile Describing(string path, ReadOnlySpan<byte> data) => new()
    {
        Path = path,
        Length = data.Length,
        Hashes = new(StringComparer.Ordinal) { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(data)) },
    };
}

/// <summary>targets.json or a delegated targets role: the targets it lists and the roles it delegates to.</summary>
public sealed class TargetsMetadata : TufSigned
{
    public override string Type => TufRoleNames.Targets;

    public Dictionary<string, TargetFile> Targets { get; set; } = new(StringComparer.Ordinal);

    public Delegations? Delegations { get; set; }

    internal override void ReadFields(JsonFields f, string role)
    {
        foreach (var (path, t) in f.Object("targets")) Targets[path] = TargetFile.Read(path, t, role);
        if (f.Take("delegations") is { } d) Delegations = Delegations.Read(d, role);
    }

    internal override void WriteFields(JsonObject o)
    {
        var targets = new JsonObject();
        foreach (var (path, t) in Targets) targets[path] = t.ToJson();
        o["targets"] = targets;
        if (Delegations is not null) o["delegations"] = Delegations.ToJson();
    }
}

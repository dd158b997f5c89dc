using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

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

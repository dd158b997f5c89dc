using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

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

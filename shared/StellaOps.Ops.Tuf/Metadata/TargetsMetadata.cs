using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

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

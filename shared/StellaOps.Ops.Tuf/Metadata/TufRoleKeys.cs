using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

/// <summary>Which keys sign a role and how many of them must: a top-level role in root, or a delegated role.</summary>
public class TufRoleKeys
{
    public List<string> KeyIds { get; set; } = [];

    public int Threshold { get; set; } = 1;

    public JsonObject UnrecognizedFields { get; set; } = new();

    internal void ReadKeys(JsonFields f, string role)
    {
        KeyIds = f.StringList("keyids");
        var threshold = f.Integer("threshold");
        if (threshold < 1 || threshold > int.MaxValue) throw TufErrors.Invalid(role, $"threshold {threshold} is not at least 1");
        Threshold = (int)threshold;
        if (KeyIds.Distinct(StringComparer.Ordinal).Count() != KeyIds.Count) throw TufErrors.Invalid(role, "a role lists the same key id twice");
    }

    internal void WriteKeys(JsonObject o)
    {
        o["keyids"] = JsonFields.ToArray(KeyIds);
        o["threshold"] = Threshold;
    }

    internal static TufRoleKeys Read(JsonNode? node, string role)
    {
        var f = new JsonFields(node, role, "role");
        var r = new TufRoleKeys();
        r.ReadKeys(f, role);
        r.UnrecognizedFields = f.Rest;
        return r;
    }

    internal JsonObject ToJson()
    {
        var o = new JsonObject();
        WriteKeys(o);
        JsonFields.AddUnrecognized(o, UnrecognizedFields);
        return o;
    }
}

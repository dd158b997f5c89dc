using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// The <c>signed</c> part every TUF role shares: <c>_type</c>, <c>spec_version</c>, <c>version</c>, <c>expires</c>,
/// and the fields this client does not know, kept as received.
/// </summary>
public abstract class TufSigned
{
    public const string SupportedSpecVersion = "1.0.31";

    public abstract string Type { get; }

    public string SpecVersion { get; set; } = SupportedSpecVersion;

    public long Version { get; set; } = 1;

    public DateTimeOffset Expires { get; set; }

    public JsonObject UnrecognizedFields { get; private set; } = new();

    public bool IsExpired(DateTimeOffset now) => now >= Expires;

    internal void ReadCommon(JsonFields f, string role)
    {
        var type = f.String("_type");
        if (type != Type) throw TufErrors.Invalid(role, $"_type is '{type}', expected '{Type}'");
        SpecVersion = f.String("spec_version");
        var parts = SpecVersion.Split('.');
        if (parts.Length is < 2 or > 3 || parts[0] != "1" || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit)))
            throw TufErrors.Invalid(role, $"spec_version '{SpecVersion}' is not a 1.x version this client supports");
        Version = f.Integer("version");
        if (Version < 1) throw TufErrors.Invalid(role, $"version {Version} is not positive");
        Expires = f.Timestamp("expires");
    }

    internal abstract void ReadFields(JsonFields f, string role);

    internal abstract void WriteFields(JsonObject o);

    internal void Finish(JsonFields f) => UnrecognizedFields = f.Rest;

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["_type"] = Type,
            ["spec_version"] = SpecVersion,
            ["version"] = Version,
            ["expires"] = JsonFields.FormatTime(Expires),
        };
        WriteFields(o);
        JsonFields.AddUnrecognized(o, UnrecognizedFields);
        return o;
    }
}

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

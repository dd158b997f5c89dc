using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

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

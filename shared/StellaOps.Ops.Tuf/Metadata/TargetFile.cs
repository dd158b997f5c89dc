using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

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

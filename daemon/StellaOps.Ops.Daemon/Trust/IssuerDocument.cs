using System.Text.Json;
using System.Text.Json.Serialization;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>
/// What an issuer says about itself: its id, a version that only grows, when it said it, and its keys with their
/// windows. It travels as the payload of a DSSE envelope (<see cref="PayloadType"/>) signed by the issuer's current
/// key and, across a rotation, by the previous one too, so a reader who trusts the old key can accept the new.
/// </summary>
public sealed record IssuerDocument
{
    public const string PayloadType = "application/vnd.stellaops.issuer+json";
    public const string FileName = "issuer.json";
    /// <summary>The most an issuer document (the envelope) may weigh when fetched.</summary>
    public const int MaxBytes = 1024 * 1024;

    public string Issuer { get; init; } = "";
    public long Version { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
    public IssuerDocumentKey[] Keys { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = true,
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>The document in a payload, or null with the reason when it is not one.</summary>
    public static IssuerDocument? TryParse(ReadOnlySpan<byte> json, out string error)
    {
        try
        {
            var doc = JsonSerializer.Deserialize<IssuerDocument>(json, Json);
            error = doc is null || string.IsNullOrEmpty(doc.Issuer) ? "the payload names no issuer" : "";
            return error.Length == 0 ? doc : null;
        }
        catch (JsonException ex)
        {
            error = $"the payload is not an issuer document (line {ex.LineNumber + 1})";
            return null;
        }
    }
}

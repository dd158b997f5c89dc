using System.Globalization;
using System.Text.Json;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// The TUF repository's <c>signing-keys.json</c> target (written by rotate-signing-key.sh generate/retire): the issuer
/// keys verifiers trust, each with its validity window — <c>{ "mediaType", "keys": [ { "name", "keyId", "algorithm",
/// "publicKey" (PEM), "validFor": { "start", "end"? } } ] }</c>. A retired key's window ends at its retirement: it
/// still verifies what it signed before, never what it signs after.
/// </summary>
public static class SigningKeysDocument
{
    public const string MediaType = "application/vnd.stellaops.signing-keys.v1+json";

    public const string TargetName = "signing-keys.json";

    /// <summary>The keys as verifier trust; <see cref="FormatException"/> names the field that is wrong.</summary>
    /// <param name="source">Where the document came from, in words (each key's <see cref="TrustedKey.Source"/> names it).</param>
    public static IReadOnlyList<TrustedKey> Parse(ReadOnlySpan<byte> utf8Json, string source = TargetName)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json.ToArray());
        }
        catch (JsonException e)
        {
            throw new FormatException($"{TargetName} is not JSON ({e.Message})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{TargetName} is not a JSON object");
            if (!root.TryGetProperty("mediaType", out var media) || media.ValueKind != JsonValueKind.String || media.GetString() != MediaType)
                throw new FormatException($"{TargetName}: mediaType is not {MediaType}");
            if (!root.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array) throw new FormatException($"{TargetName}: keys is not an array");
            var result = new List<TrustedKey>();
            var index = 0;
            foreach (var k in keys.EnumerateArray())
            {
                var at = $"{TargetName}: keys[{index++}]";
                var name = String(k, "name", at);
                var pem = String(k, "publicKey", at);
                if (!k.TryGetProperty("validFor", out var window) || window.ValueKind != JsonValueKind.Object) throw new FormatException($"{at}.validFor is missing");
                var start = Time(window, "start", at) ?? throw new FormatException($"{at}.validFor.start is missing");
                var end = Time(window, "end", at);
                TrustedKey key;
                try
                {
                    key = TrustedKey.FromPem(pem, start, end, source: $"{source} key '{name}'");
                }
                catch (Exception e) when (e is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
                {
                    throw new FormatException($"{at}.publicKey of '{name}' is not a usable public key ({e.Message})");
                }
                if (k.TryGetProperty("keyId", out var id) && id.ValueKind == JsonValueKind.String && !string.Equals(id.GetString(), key.KeyId, StringComparison.OrdinalIgnoreCase))
                    throw new FormatException($"{at}.keyId of '{name}' is {id.GetString()}, but the key's id is {key.KeyId}");
                result.Add(key);
            }
            return result;
        }
    }

    private static string String(JsonElement o, string name, string at) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw new FormatException($"{at}.{name} is missing or not a string");

    private static DateTimeOffset? Time(JsonElement o, string name, string at)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        throw new FormatException($"{at}.validFor.{name} is not an RFC 3339 time");
    }
}

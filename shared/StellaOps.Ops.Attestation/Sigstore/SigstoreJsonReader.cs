using System.Formats.Asn1;
using System.Globalization;
using System.Text.Json;

namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// The protobuf-JSON reading rules the trusted-root and signing-config parsers share. Each throws
/// <see cref="FormatException"/> naming the field's place (<c>tlogs[1].publicKey.validFor.start</c>), so a bad
/// document is refused with where and what. Unknown fields are ignored: protobuf JSON is forward compatible.
/// </summary>
internal static class SigstoreJsonReader
{
    /// <summary>Trust documents are small (the public-good trusted root is 9 KB); a document over this is refused unread.</summary>
    public const int MaxDocumentBytes = 4 * 1024 * 1024;

    public static JsonDocument Open(ReadOnlySpan<byte> utf8Json, string what)
    {
        if (utf8Json.Length > MaxDocumentBytes)
            throw new FormatException($"The {what} is {utf8Json.Length} bytes; at most {MaxDocumentBytes} are accepted.");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json.ToArray(), AttestationJson.DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The {what} is not valid JSON: {e.Message}");
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new FormatException($"The {what} must be a JSON object.");
        }
        return doc;
    }

    public static JsonElement RequiredObject(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{Join(where, name)} is missing or not an object.");
        return value;
    }

    public static JsonElement? OptionalObject(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Object) throw new FormatException($"{Join(where, name)} is not an object.");
        return value;
    }

    /// <summary>An optional array (protobuf JSON leaves out empty repeated fields): each element with its place.</summary>
    public static IEnumerable<(JsonElement Item, string Where)> Array(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) yield break;
        if (value.ValueKind != JsonValueKind.Array) throw new FormatException($"{Join(where, name)} is not an array.");
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = $"{Join(where, name)}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) throw new FormatException($"{at} is not an object.");
            yield return (item, at);
        }
    }

    public static string RequiredString(JsonElement parent, string name, string where)
        => OptionalString(parent, name, where) is { Length: > 0 } s ? s : throw new FormatException($"{Join(where, name)} is missing or empty.");

    public static string? OptionalString(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new FormatException($"{Join(where, name)} is not a string.");
        return value.GetString();
    }

    public static byte[] RequiredBase64(JsonElement parent, string name, string where)
    {
        var text = RequiredString(parent, name, where);
        if (!Base64Text.TryDecode(text, out var bytes) || bytes.Length == 0)
            throw new FormatException($"{Join(where, name)} is not base64.");
        return bytes;
    }

    /// <summary>A protobuf integer: a JSON number, or (as protobuf JSON allows) a string holding one.</summary>
    public static int Integer(JsonElement parent, string name, string where, int missing)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return missing;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)) return n;
        if (value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n)) return n;
        throw new FormatException($"{Join(where, name)} is not an integer.");
    }

    /// <summary>
    /// A <c>TimeRange</c>: a required start and an optional end, RFC 3339 in UTC or with an offset; the end may not be
    /// before the start. Both ends are inclusive (<see cref="ValidityPeriod.Contains"/>).
    /// </summary>
    public static ValidityPeriod Validity(JsonElement parent, string name, string where)
    {
        var range = RequiredObject(parent, name, where);
        var at = Join(where, name);
        var start = Time(range, "start", at) ?? throw new FormatException($"{at}.start is missing: a validity window needs its start.");
        var end = Time(range, "end", at);
        if (end < start) throw new FormatException($"{at} ends ({end:O}) before it starts ({start:O}).");
        return new ValidityPeriod(start, end);
    }

    /// <summary>A URL with a scheme and a host; <paramref name="schemeless"/> allows a bare host (a trusted root's log <c>baseUrl</c>), read as https.</summary>
    public static Uri Url(JsonElement parent, string name, string where, bool schemeless = false)
    {
        var text = RequiredString(parent, name, where);
        if (schemeless && !text.Contains("://", StringComparison.Ordinal)) text = "https://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
            throw new FormatException($"{Join(where, name)} '{text}' is not an http(s) URL with a host.");
        return uri;
    }

    /// <summary>Checks that <paramref name="spki"/> is one DER SubjectPublicKeyInfo (algorithm identifier and key bits).</summary>
    public static void RequireSubjectPublicKeyInfo(byte[] spki, string where)
    {
        try
        {
            var reader = new AsnReader(spki, AsnEncodingRules.DER);
            var info = reader.ReadSequence();
            info.ReadSequence();
            info.ReadBitString(out _);
            info.ThrowIfNotEmpty();
            reader.ThrowIfNotEmpty();
        }
        catch (AsnContentException)
        {
            throw new FormatException($"{where} is not a DER SubjectPublicKeyInfo.");
        }
    }

    private static DateTimeOffset? Time(JsonElement range, string name, string where)
    {
        var text = OptionalString(range, name, where);
        if (text is null) return null;
        if (!text.EndsWith('Z') && !System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d\d:\d\d$")
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            throw new FormatException($"{where}.{name} '{text}' is not an RFC 3339 time with a zone.");
        return time;
    }

    private static string Join(string where, string name) => where.Length == 0 ? name : where + "." + name;
}

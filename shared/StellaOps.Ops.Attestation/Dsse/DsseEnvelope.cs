using System.Text.Json;
using StellaOps.Ops.Attestation.InToto;

namespace StellaOps.Ops.Attestation.Dsse;

/// <summary>
/// A DSSE envelope <c>{"payload":base64,"payloadType":…,"signatures":[{"keyid":…,"sig":base64}]}</c>.
/// Written with standard base64 in that property order; read with standard or URL-safe base64.
/// </summary>
public sealed class DsseEnvelope
{
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    public DsseEnvelope(string payloadType, ReadOnlyMemory<byte> payload, IEnumerable<DsseSignature> signatures)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        ArgumentNullException.ThrowIfNull(signatures);
        PayloadType = payloadType;
        Payload = payload.ToArray();
        Signatures = signatures.ToArray();
    }

    public string PayloadType { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    public IReadOnlyList<DsseSignature> Signatures { get; }

    /// <summary>The bytes each signature covers.</summary>
    public byte[] PreAuthenticationEncoding() => DssePae.Encode(PayloadType, Payload.Span);

    /// <summary>Parses the payload as an in-toto statement (throws <see cref="FormatException"/> if it is not one).</summary>
    public InTotoStatement GetStatement() => InTotoStatement.Parse(Payload.Span);

    public DsseEnvelope WithSignatures(IEnumerable<DsseSignature> signatures) => new(PayloadType, Payload, signatures);

    public byte[] ToJsonBytes() => AttestationJson.Write(WriteTo);

    public string ToJson() => System.Text.Encoding.UTF8.GetString(ToJsonBytes());

    public void WriteTo(Utf8JsonWriter writer) => WriteTo(writer, sigstoreOrder: false);

    // Sigstore's protobuf JSON writes each signature as {sig, keyid}; plain DSSE documents show {keyid, sig}.
    internal void WriteTo(Utf8JsonWriter writer, bool sigstoreOrder)
    {
        writer.WriteStartObject();
        writer.WriteString("payload", Base64Text.Encode(Payload.Span));
        writer.WriteString("payloadType", PayloadType);
        writer.WriteStartArray("signatures");
        foreach (var s in Signatures)
        {
            writer.WriteStartObject();
            if (sigstoreOrder)
            {
                writer.WriteString("sig", s.SignatureBase64);
                if (!string.IsNullOrEmpty(s.KeyId)) writer.WriteString("keyid", s.KeyId);
            }
            else
            {
                if (!string.IsNullOrEmpty(s.KeyId)) writer.WriteString("keyid", s.KeyId);
                writer.WriteString("sig", s.SignatureBase64);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static DsseEnvelope Parse(ReadOnlySpan<byte> utf8Json)
        => TryParse(utf8Json, out var envelope, out var error) ? envelope : throw new FormatException(error);

    public static DsseEnvelope Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>Parses an envelope; never throws for bad input, <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DsseEnvelope? envelope, out string error)
    {
        envelope = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json.ToArray(), AttestationJson.DocumentOptions);
        }
        catch (JsonException e)
        {
            error = $"The envelope is not valid JSON: {e.Message}";
            return false;
        }
        using (doc)
        {
            return TryRead(doc.RootElement, out envelope, out error);
        }
    }

    /// <summary>Reads an envelope from a JSON element (used for the bundle's <c>dsseEnvelope</c>).</summary>
    public static bool TryRead(JsonElement root, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DsseEnvelope? envelope, out string error)
    {
        envelope = null;
        error = "";
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The envelope must be a JSON object.";
            return false;
        }
        if (!root.TryGetProperty("payload", out var payloadElement) || payloadElement.ValueKind != JsonValueKind.String)
        {
            error = "The envelope has no string 'payload'.";
            return false;
        }
        if (!Base64Text.TryDecode(payloadElement.GetString(), out var payload))
        {
            error = "The envelope's 'payload' is not base64 (standard or URL-safe).";
            return false;
        }
        var payloadType = AttestationJson.GetString(root, "payloadType");
        if (string.IsNullOrEmpty(payloadType))
        {
            error = "The envelope has no 'payloadType'.";
            return false;
        }
        if (!root.TryGetProperty("signatures", out var sigsElement) || sigsElement.ValueKind != JsonValueKind.Array)
        {
            error = "The envelope has no 'signatures' array.";
            return false;
        }
        var signatures = new List<DsseSignature>();
        var i = 0;
        foreach (var s in sigsElement.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.Object)
            {
                error = $"signatures[{i}] is not an object.";
                return false;
            }
            string? keyId = null;
            if (s.TryGetProperty("keyid", out var keyIdElement))
            {
                if (keyIdElement.ValueKind == JsonValueKind.String) keyId = keyIdElement.GetString();
                else if (keyIdElement.ValueKind != JsonValueKind.Null)
                {
                    error = $"signatures[{i}].keyid is not a string.";
                    return false;
                }
            }
            var sigText = AttestationJson.GetString(s, "sig");
            if (string.IsNullOrEmpty(sigText))
            {
                error = $"signatures[{i}] has no 'sig'.";
                return false;
            }
            if (!Base64Text.TryDecode(sigText, out var sig) || sig.Length == 0)
            {
                error = $"signatures[{i}].sig is not base64 (standard or URL-safe).";
                return false;
            }
            signatures.Add(new DsseSignature(string.IsNullOrEmpty(keyId) ? null : keyId, sig));
            i++;
        }
        if (signatures.Count == 0)
        {
            error = "The envelope has no signatures.";
            return false;
        }
        envelope = new DsseEnvelope(payloadType, payload, signatures);
        return true;
    }
}

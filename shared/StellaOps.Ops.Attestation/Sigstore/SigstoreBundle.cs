using System.Text.Json;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Verification;

namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// A Sigstore bundle carrying a DSSE envelope, in sigstore's protobuf-JSON field names:
/// <c>{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":…},
/// "tlogEntries":[]},"dsseEnvelope":{"payload":base64,"payloadType":…,"signatures":[{"sig":base64,"keyid":…}]}}</c>.
/// The verification material is a public-key hint, or (read, for verification) an X.509 certificate (v0.3
/// <c>certificate.rawBytes</c>) or chain (v0.1/v0.2 <c>x509CertificateChain.certificates[].rawBytes</c>), with
/// optional RFC 3161 timestamps (<c>timestampVerificationData.rfc3161Timestamps[].signedTimestamp</c>).
/// @sigstore/bundle requires exactly one DSSE signature, so a bundle holds one. Transparency-log entries are kept
/// as raw JSON (StellaOps.Ops.Transparency reads and verifies them) and written back unchanged.
/// </summary>
public sealed class SigstoreBundle
{
    public const string MediaTypeV03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
    public const string MediaTypeV02 = "application/vnd.dev.sigstore.bundle+json;version=0.2";
    public const string MediaTypeV01 = "application/vnd.dev.sigstore.bundle+json;version=0.1";

    private SigstoreBundle(string mediaType, string publicKeyHint, DsseEnvelope envelope, IReadOnlyList<JsonElement> tlogEntries,
        IReadOnlyList<byte[]>? certificates = null, IReadOnlyList<byte[]>? timestamps = null)
    {
        MediaType = mediaType;
        PublicKeyHint = publicKeyHint;
        Envelope = envelope;
        TlogEntries = tlogEntries;
        Certificates = certificates ?? [];
        Rfc3161Timestamps = timestamps ?? [];
    }

    /// <summary>The verification material's certificates as DER, leaf first; empty for a public-key bundle.</summary>
    public IReadOnlyList<byte[]> Certificates { get; }

    /// <summary>DER RFC 3161 timestamp tokens over the signature, from <c>timestampVerificationData</c>.</summary>
    public IReadOnlyList<byte[]> Rfc3161Timestamps { get; }

    public string MediaType { get; }

    /// <summary><c>verificationMaterial.publicKey.hint</c>: the signing key's id; empty for a certificate bundle.</summary>
    public string PublicKeyHint { get; }

    public DsseEnvelope Envelope { get; }

    public IReadOnlyList<JsonElement> TlogEntries { get; }

    /// <summary>
    /// Wraps <paramref name="envelope"/>. With one signature, that signature is used (its keyid, if any, must equal
    /// <paramref name="keyHint"/>); with several, the one whose keyid is <paramref name="keyHint"/>.
    /// </summary>
    public static SigstoreBundle FromEnvelope(DsseEnvelope envelope, string keyHint)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentException.ThrowIfNullOrEmpty(keyHint);
        DsseSignature signature;
        if (envelope.Signatures.Count == 1)
        {
            signature = envelope.Signatures[0];
            if (signature.KeyId is { Length: > 0 } id && id != keyHint)
            {
                throw new ArgumentException($"The envelope's signature is by key {id}, not the hinted key {keyHint}.", nameof(keyHint));
            }
        }
        else
        {
            var matching = envelope.Signatures.Where(s => s.KeyId == keyHint).ToList();
            if (matching.Count != 1)
            {
                throw new ArgumentException(
                    $"A Sigstore bundle holds exactly one DSSE signature; the envelope has {envelope.Signatures.Count} and {matching.Count} by key {keyHint}.",
                    nameof(keyHint));
            }
            signature = matching[0];
        }
        return new SigstoreBundle(MediaTypeV03, keyHint, envelope.WithSignatures([signature]), []);
    }

    /// <summary>
    /// This bundle with its transparency-log entries (v0.3 <c>tlogEntries</c>, Sigstore's <c>TransparencyLogEntry</c> JSON)
    /// and RFC 3161 timestamps (for a Rekor v2 entry, which logs no time) replaced.
    /// </summary>
    public SigstoreBundle WithLogEvidence(IReadOnlyList<JsonElement> tlogEntries, IReadOnlyList<byte[]> timestamps)
        => new(MediaType, PublicKeyHint, Envelope, [.. tlogEntries.Select(e => e.Clone())], Certificates, timestamps);

    public byte[] ToJsonBytes() => AttestationJson.Write(WriteTo);

    public string ToJson() => System.Text.Encoding.UTF8.GetString(ToJsonBytes());

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("mediaType", MediaType);
        writer.WriteStartObject("verificationMaterial");
        if (Certificates.Count == 0)
        {
            writer.WriteStartObject("publicKey");
            writer.WriteString("hint", PublicKeyHint);
            writer.WriteEndObject();
        }
        else if (MediaType == MediaTypeV03)
        {
            writer.WriteStartObject("certificate");
            writer.WriteString("rawBytes", Base64Text.Encode(Certificates[0]));
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteStartObject("x509CertificateChain");
            writer.WriteStartArray("certificates");
            foreach (var der in Certificates)
            {
                writer.WriteStartObject();
                writer.WriteString("rawBytes", Base64Text.Encode(der));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        if (Rfc3161Timestamps.Count > 0)
        {
            writer.WriteStartObject("timestampVerificationData");
            writer.WriteStartArray("rfc3161Timestamps");
            foreach (var token in Rfc3161Timestamps)
            {
                writer.WriteStartObject();
                writer.WriteString("signedTimestamp", Base64Text.Encode(AttestationVerifier.ResponseOf(token)));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteStartArray("tlogEntries");
        foreach (var entry in TlogEntries) entry.WriteTo(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WritePropertyName("dsseEnvelope");
        Envelope.WriteTo(writer, sigstoreOrder: true);
        writer.WriteEndObject();
    }

    public static SigstoreBundle Parse(ReadOnlySpan<byte> utf8Json)
        => TryParse(utf8Json, out var bundle, out var error) ? bundle : throw new FormatException(error);

    public static SigstoreBundle Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>
    /// Reads a bundle with a DSSE envelope and a public-key hint, a certificate or a certificate chain. Accepts the
    /// v0.3 media type and the older <c>application/vnd.dev.sigstore.bundle+json;version=0.x</c> form; message
    /// signatures are rejected (not produced by this product).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SigstoreBundle? bundle, out string error)
    {
        bundle = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json.ToArray(), AttestationJson.DocumentOptions);
        }
        catch (JsonException e)
        {
            error = $"The bundle is not valid JSON: {e.Message}";
            return false;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The bundle must be a JSON object.";
                return false;
            }
            var mediaType = AttestationJson.GetString(root, "mediaType");
            if (mediaType is null || !(mediaType.StartsWith("application/vnd.dev.sigstore.bundle.v0.", StringComparison.Ordinal)
                                       || mediaType.StartsWith("application/vnd.dev.sigstore.bundle+json;version=0.", StringComparison.Ordinal)))
            {
                error = $"Unsupported bundle mediaType '{mediaType}'; expected '{MediaTypeV03}'.";
                return false;
            }
            if (!root.TryGetProperty("verificationMaterial", out var material) || material.ValueKind != JsonValueKind.Object)
            {
                error = "The bundle has no 'verificationMaterial'.";
                return false;
            }
            var hint = "";
            var certificates = new List<byte[]>();
            if (material.TryGetProperty("publicKey", out var publicKey))
            {
                if (AttestationJson.GetString(publicKey, "hint") is not { Length: > 0 } publicKeyHint)
                {
                    error = "The bundle's verificationMaterial.publicKey has no 'hint'.";
                    return false;
                }
                hint = publicKeyHint;
            }
            else if (material.TryGetProperty("certificate", out var certificate))
            {
                if (!TryRawBytes(certificate, "verificationMaterial.certificate", certificates, out error)) return false;
            }
            else if (material.TryGetProperty("x509CertificateChain", out var chain))
            {
                if (chain.ValueKind != JsonValueKind.Object || !chain.TryGetProperty("certificates", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                {
                    error = "verificationMaterial.x509CertificateChain has no 'certificates'.";
                    return false;
                }
                var n = 0;
                foreach (var item in list.EnumerateArray())
                {
                    if (!TryRawBytes(item, $"verificationMaterial.x509CertificateChain.certificates[{n++}]", certificates, out error)) return false;
                }
            }
            else
            {
                error = "The bundle's verificationMaterial has no 'publicKey', 'certificate' or 'x509CertificateChain'.";
                return false;
            }
            var timestamps = new List<byte[]>();
            if (material.TryGetProperty("timestampVerificationData", out var tsData) && tsData.ValueKind == JsonValueKind.Object
                && tsData.TryGetProperty("rfc3161Timestamps", out var tsList))
            {
                if (tsList.ValueKind != JsonValueKind.Array)
                {
                    error = "timestampVerificationData.rfc3161Timestamps is not an array.";
                    return false;
                }
                var n = 0;
                foreach (var ts in tsList.EnumerateArray())
                {
                    if (!Base64Text.TryDecode(AttestationJson.GetString(ts, "signedTimestamp"), out var token) || token.Length == 0)
                    {
                        error = $"timestampVerificationData.rfc3161Timestamps[{n}].signedTimestamp is not base64.";
                        return false;
                    }
                    timestamps.Add(token);
                    n++;
                }
            }
            var tlogEntries = new List<JsonElement>();
            if (material.TryGetProperty("tlogEntries", out var entries))
            {
                if (entries.ValueKind != JsonValueKind.Array)
                {
                    error = "verificationMaterial.tlogEntries is not an array.";
                    return false;
                }
                tlogEntries.AddRange(entries.EnumerateArray().Select(e => e.Clone()));
            }
            if (!root.TryGetProperty("dsseEnvelope", out var envelopeElement))
            {
                error = root.TryGetProperty("messageSignature", out _)
                    ? "The bundle holds a messageSignature, not a dsseEnvelope."
                    : "The bundle has no 'dsseEnvelope'.";
                return false;
            }
            if (!DsseEnvelope.TryRead(envelopeElement, out var envelope, out var envelopeError))
            {
                error = $"dsseEnvelope: {envelopeError}";
                return false;
            }
            if (envelope.Signatures.Count != 1)
            {
                error = $"A Sigstore bundle's dsseEnvelope must have exactly one signature; it has {envelope.Signatures.Count}.";
                return false;
            }
            bundle = new SigstoreBundle(mediaType, hint, envelope, tlogEntries, certificates, timestamps);
            error = "";
            return true;
        }
    }

    /// <summary>A bundle with a certificate (v0.3) or a certificate chain (v0.1, v0.2) as its verification material.</summary>
    public static SigstoreBundle WithCertificates(DsseEnvelope envelope, IReadOnlyList<byte[]> certificates, string mediaType = MediaTypeV03, IReadOnlyList<byte[]>? timestamps = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(certificates);
        if (certificates.Count == 0) throw new ArgumentException("A certificate bundle needs the leaf certificate.", nameof(certificates));
        if (envelope.Signatures.Count != 1) throw new ArgumentException("A Sigstore bundle holds exactly one DSSE signature.", nameof(envelope));
        return new SigstoreBundle(mediaType, "", envelope, [], mediaType == MediaTypeV03 ? [certificates[0]] : certificates, timestamps);
    }

    private static bool TryRawBytes(JsonElement element, string where, List<byte[]> into, out string error)
    {
        if (element.ValueKind != JsonValueKind.Object || !Base64Text.TryDecode(AttestationJson.GetString(element, "rawBytes"), out var der) || der.Length == 0)
        {
            error = $"{where} has no base64 'rawBytes'.";
            return false;
        }
        into.Add(der);
        error = "";
        return true;
    }
}

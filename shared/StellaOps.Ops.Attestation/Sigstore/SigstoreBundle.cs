using System.Text.Json;
using StellaOps.Ops.Attestation.Dsse;

namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// A Sigstore bundle v0.3 carrying a DSSE envelope and a public-key hint, in sigstore's protobuf-JSON field names:
/// <c>{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":…},
/// "tlogEntries":[]},"dsseEnvelope":{"payload":base64,"payloadType":…,"signatures":[{"sig":base64,"keyid":…}]}}</c>.
/// @sigstore/bundle requires exactly one DSSE signature, so a bundle holds one. Transparency-log entries are kept
/// as raw JSON for now (Rekor work comes later) and written back unchanged.
/// </summary>
public sealed class SigstoreBundle
{
    public const string MediaTypeV03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private SigstoreBundle(string mediaType, string publicKeyHint, DsseEnvelope envelope, IReadOnlyList<JsonElement> tlogEntries)
    {
        MediaType = mediaType;
        PublicKeyHint = publicKeyHint;
        Envelope = envelope;
        TlogEntries = tlogEntries;
    }

    public string MediaType { get; }

    /// <summary><c>verificationMaterial.publicKey.hint</c>: the signing key's id.</summary>
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

    public byte[] ToJsonBytes() => AttestationJson.Write(WriteTo);

    public string ToJson() => System.Text.Encoding.UTF8.GetString(ToJsonBytes());

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("mediaType", MediaType);
        writer.WriteStartObject("verificationMaterial");
        writer.WriteStartObject("publicKey");
        writer.WriteString("hint", PublicKeyHint);
        writer.WriteEndObject();
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
    /// Reads a bundle with a DSSE envelope and a public-key hint. Accepts the v0.3 media type and the older
    /// <c>application/vnd.dev.sigstore.bundle+json;version=0.x</c> form; certificate-based bundles and message
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
            if (!material.TryGetProperty("publicKey", out var publicKey) || AttestationJson.GetString(publicKey, "hint") is not { Length: > 0 } hint)
            {
                error = "The bundle's verificationMaterial has no 'publicKey.hint' (certificate bundles are not supported).";
                return false;
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
            bundle = new SigstoreBundle(mediaType, hint, envelope, tlogEntries);
            error = "";
            return true;
        }
    }
}

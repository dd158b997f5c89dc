using System.Security.Cryptography;
using System.Text.Json;
using StellaOps.Ops.Attestation;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Transparency.Entries;

/// <summary>
/// The canonicalized bodies the logs store for a DSSE envelope, and the check that a body is about a given envelope.
/// Rekor v1 <c>dsse</c> v0.0.1: the envelope's and payload's SHA-256 and the signature with its verifier (PEM, base64).
/// Rekor v2 <c>hashedrekord</c> v0.0.2: the digest of the envelope's PAE (with the key's hash) and the signature
/// with its verifier key and keyDetails. Keys are written in sorted order, as RFC 8785 canonical JSON has them.
/// </summary>
public static class RekorEntryBodies
{
    public const string DsseKind = "dsse";
    public const string DsseVersion = "0.0.1";
    public const string HashedRekordKind = "hashedrekord";
    public const string HashedRekordVersion = "0.0.2";

    public static byte[] DsseV001(DsseEnvelope envelope, ReadOnlySpan<byte> spki)
    {
        var envelopeHash = Convert.ToHexStringLower(SHA256.HashData(envelope.ToJsonBytes()));
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(envelope.Payload.Span));
        var verifier = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(PublicKeyPem.Encode(spki)));
        var signature = Convert.ToBase64String(envelope.Signatures[0].Signature);
        return AttestationJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("apiVersion", DsseVersion);
            w.WriteString("kind", DsseKind);
            w.WriteStartObject("spec");
            w.WriteStartObject("envelopeHash");
            w.WriteString("algorithm", "sha256");
            w.WriteString("value", envelopeHash);
            w.WriteEndObject();
            w.WriteStartObject("payloadHash");
            w.WriteString("algorithm", "sha256");
            w.WriteString("value", payloadHash);
            w.WriteEndObject();
            w.WriteStartArray("signatures");
            w.WriteStartObject();
            w.WriteString("signature", signature);
            w.WriteString("verifier", verifier);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    public static byte[] HashedRekordV002(DsseEnvelope envelope, ReadOnlySpan<byte> spki, KeyAlgorithm algorithm)
        => HashedRekordV002(KeyDetails.Digest(algorithm, envelope.PreAuthenticationEncoding()), envelope.Signatures[0].Signature, spki, algorithm);

    /// <summary>The hashedrekord v0.0.2 body of a signature over a digest (what a v2 log builds from a request).</summary>
    public static byte[] HashedRekordV002(byte[] digest, byte[] signature, ReadOnlySpan<byte> spki, KeyAlgorithm algorithm)
    {
        var key = spki.ToArray();
        return AttestationJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("apiVersion", HashedRekordVersion);
            w.WriteString("kind", HashedRekordKind);
            w.WriteStartObject("spec");
            w.WriteStartObject("hashedRekordV002");
            w.WriteStartObject("data");
            w.WriteString("algorithm", KeyDetails.DigestName(algorithm));
            w.WriteString("digest", Convert.ToBase64String(digest));
            w.WriteEndObject();
            w.WriteStartObject("signature");
            w.WriteString("content", Convert.ToBase64String(signature));
            w.WriteStartObject("verifier");
            w.WriteString("keyDetails", KeyDetails.For(algorithm));
            w.WriteStartObject("publicKey");
            w.WriteString("rawBytes", Convert.ToBase64String(key));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// Is <paramref name="body"/> (a log entry's canonicalized body) about <paramref name="envelope"/>'s single
    /// signature, by the key <paramref name="spki"/>? Compares the payload or PAE digest, the signature and the key.
    /// </summary>
    public static bool Matches(byte[] body, DsseEnvelope envelope, ReadOnlySpan<byte> spki, out string reason)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, AttestationJson.DocumentOptions);
            var root = doc.RootElement;
            var kind = AttestationJson.GetString(root, "kind");
            var version = AttestationJson.GetString(root, "apiVersion");
            if (envelope.Signatures.Count != 1) { reason = "the envelope must carry exactly one signature"; return false; }
            var signature = envelope.Signatures[0].Signature;
            if (!root.TryGetProperty("spec", out var spec)) { reason = "the entry body has no spec"; return false; }
            if (kind == DsseKind && version == DsseVersion)
            {
                var payloadHash = spec.TryGetProperty("payloadHash", out var ph) ? AttestationJson.GetString(ph, "value") : null;
                if (payloadHash != Convert.ToHexStringLower(SHA256.HashData(envelope.Payload.Span))) { reason = "the entry's payload hash is not this envelope's payload"; return false; }
                if (!spec.TryGetProperty("signatures", out var sigs) || sigs.ValueKind != JsonValueKind.Array || sigs.GetArrayLength() != 1)
                { reason = "the entry does not hold exactly one signature"; return false; }
                var s = sigs[0];
                if (!Base64Text.TryDecode(AttestationJson.GetString(s, "signature"), out var logged) || !logged.AsSpan().SequenceEqual(signature))
                { reason = "the entry's signature is not this envelope's signature"; return false; }
                if (!Base64Text.TryDecode(AttestationJson.GetString(s, "verifier"), out var pem)
                    || !PublicKeyPem.TryDecode(System.Text.Encoding.UTF8.GetString(pem), out var loggedKey) || !loggedKey.AsSpan().SequenceEqual(spki))
                { reason = "the entry's verifier is not the signing key"; return false; }
                reason = "dsse entry: payload hash, signature and key match";
                return true;
            }
            if (kind == HashedRekordKind && version == HashedRekordVersion && spec.TryGetProperty("hashedRekordV002", out var hr))
            {
                var algorithm = KeyAlgorithms.Detect(spki);
                var expected = KeyDetails.Digest(algorithm, envelope.PreAuthenticationEncoding());
                if (!hr.TryGetProperty("data", out var data) || AttestationJson.GetString(data, "algorithm") != KeyDetails.DigestName(algorithm)
                    || !Base64Text.TryDecode(AttestationJson.GetString(data, "digest"), out var digest) || !digest.AsSpan().SequenceEqual(expected))
                { reason = "the entry's digest is not this envelope's PAE digest"; return false; }
                if (!hr.TryGetProperty("signature", out var sig) || !Base64Text.TryDecode(AttestationJson.GetString(sig, "content"), out var content)
                    || !content.AsSpan().SequenceEqual(signature))
                { reason = "the entry's signature is not this envelope's signature"; return false; }
                if (!sig.TryGetProperty("verifier", out var verifier) || AttestationJson.GetString(verifier, "keyDetails") != KeyDetails.For(algorithm)
                    || !verifier.TryGetProperty("publicKey", out var pk) || !Base64Text.TryDecode(AttestationJson.GetString(pk, "rawBytes"), out var raw)
                    || !raw.AsSpan().SequenceEqual(spki))
                { reason = "the entry's verifier is not the signing key"; return false; }
                reason = "hashedrekord entry: PAE digest, signature and key match";
                return true;
            }
            reason = $"the entry is of kind {kind} {version}, not dsse {DsseVersion} or hashedrekord {HashedRekordVersion}";
            return false;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            reason = "the entry body is malformed";
            return false;
        }
    }

    /// <summary>The signing key (SPKI DER) a dsse v0.0.1 or hashedrekord v0.0.2 body names as its verifier (an entry read from a log).</summary>
    public static bool TrySignerKey(byte[] body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? spki)
    {
        spki = null;
        try
        {
            using var doc = JsonDocument.Parse(body, AttestationJson.DocumentOptions);
            var root = doc.RootElement;
            if (!root.TryGetProperty("spec", out var spec) || spec.ValueKind != JsonValueKind.Object) return false;
            var kind = AttestationJson.GetString(root, "kind");
            if (kind == DsseKind && spec.TryGetProperty("signatures", out var sigs) && sigs.ValueKind == JsonValueKind.Array && sigs.GetArrayLength() >= 1
                && Base64Text.TryDecode(AttestationJson.GetString(sigs[0], "verifier"), out var pem) && PublicKeyPem.TryDecode(System.Text.Encoding.UTF8.GetString(pem), out var key))
                spki = key;
            else if (kind == HashedRekordKind && spec.TryGetProperty("hashedRekordV002", out var hr) && hr.TryGetProperty("signature", out var sig)
                && sig.TryGetProperty("verifier", out var verifier) && verifier.TryGetProperty("publicKey", out var pk)
                && Base64Text.TryDecode(AttestationJson.GetString(pk, "rawBytes"), out var raw) && raw.Length > 0)
                spki = raw;
            return spki is not null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return false;
        }
    }
}

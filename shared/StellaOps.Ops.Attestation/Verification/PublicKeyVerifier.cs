using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// One public key imported once into the crypto provider that verifies its algorithm, so a verifier that checks many
/// envelopes by the same key pays the import once. ECDSA: DER with the curve's hash (SHA-256 for P-256, SHA-384 for
/// P-384), raw r‖s only when asked; rsa-3072: PKCS#1 v1.5 SHA-256 (the platform's provider); ed25519: pure Ed25519
/// (BouncyCastle). Verification is serialised per key, as the platform's key objects are not documented thread-safe.
/// </summary>
internal sealed class PublicKeyVerifier : IDisposable
{
    private readonly KeyAlgorithm _algorithm;
    private readonly AsymmetricAlgorithm? _platformKey;
    private readonly Ed25519PublicKeyParameters? _ed25519;
    private readonly Lock _gate = new();

    private PublicKeyVerifier(KeyAlgorithm algorithm, AsymmetricAlgorithm? platformKey, Ed25519PublicKeyParameters? ed25519)
    {
        _algorithm = algorithm;
        _platformKey = platformKey;
        _ed25519 = ed25519;
    }

    /// <summary>The provider that verifies <paramref name="algorithm"/>, in words (for the "algorithm supported" check).</summary>
    public static string ProviderOf(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.Ed25519 => "BouncyCastle Ed25519",
        KeyAlgorithm.Rsa3072 => "the platform's RSA provider",
        _ => "the platform's ECDSA provider",
    };

    /// <summary>Imports <paramref name="spki"/>; false with the provider's reason when no installed provider takes it.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> spki, KeyAlgorithm algorithm, out PublicKeyVerifier? verifier, out string error)
    {
        verifier = null;
        error = "";
        try
        {
            switch (algorithm)
            {
                case KeyAlgorithm.EcdsaP256:
                case KeyAlgorithm.EcdsaP384:
                {
                    var ecdsa = ECDsa.Create();
                    ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
                    verifier = new PublicKeyVerifier(algorithm, ecdsa, null);
                    return true;
                }
                case KeyAlgorithm.Rsa3072:
                {
                    var rsa = RSA.Create();
                    rsa.ImportSubjectPublicKeyInfo(spki, out _);
                    verifier = new PublicKeyVerifier(algorithm, rsa, null);
                    return true;
                }
                case KeyAlgorithm.Ed25519:
                    verifier = new PublicKeyVerifier(algorithm, null, (Ed25519PublicKeyParameters)PublicKeyFactory.CreateKey(spki.ToArray()));
                    return true;
                default:
                    error = $"unsupported key algorithm {algorithm}";
                    return false;
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or InvalidCastException or IOException or PlatformNotSupportedException)
        {
            error = $"{ProviderOf(algorithm)} does not take this {algorithm.ToName()} key: {e.Message}";
            return false;
        }
    }

    /// <summary>Verifies one DSSE signature over <paramref name="pae"/>. Never throws for a bad signature.</summary>
    public bool Verify(ReadOnlySpan<byte> pae, ReadOnlySpan<byte> signature, bool acceptRawEcdsa, out string reason)
    {
        try
        {
            lock (_gate)
            {
                return _algorithm switch
                {
                    KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384 => VerifyEcdsa((ECDsa)_platformKey!, pae, signature, acceptRawEcdsa, out reason),
                    KeyAlgorithm.Rsa3072 => VerifyRsa((RSA)_platformKey!, pae, signature, out reason),
                    _ => VerifyEd25519(pae, signature, out reason),
                };
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or InvalidCastException or IOException)
        {
            reason = $"signature check failed: {e.Message}";
            return false;
        }
    }

    private bool VerifyEcdsa(ECDsa ecdsa, ReadOnlySpan<byte> pae, ReadOnlySpan<byte> signature, bool acceptRaw, out string reason)
    {
        var hash = KeyAlgorithms.Hash(_algorithm)!.Value;
        var name = _algorithm.ToName();
        var rawLength = 2 * KeyAlgorithms.EcdsaFieldBytes(_algorithm);
        // A DER SEQUENCE starts with 0x30; the provider decodes it strictly. Only a signature of exactly the raw length
        // whose first byte happens to be 0x30 needs the full DER parse to tell the two forms apart.
        if (signature.Length > 0 && signature[0] == 0x30 && (signature.Length != rawLength || SignatureFormats.IsDerEcdsa(signature, _algorithm)))
        {
            var valid = ecdsa.VerifyData(pae, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
            reason = valid ? $"{name} DER signature over {hash.Name} verified" : $"{name} signature does not verify";
            return valid;
        }
        if (signature.Length == rawLength)
        {
            if (!acceptRaw)
            {
                reason = $"signature is {rawLength} bytes, not DER (raw r‖s is not accepted)";
                return false;
            }
            var valid = ecdsa.VerifyData(pae, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            reason = valid
                ? $"{name} signature verified, but it is raw r‖s (IEEE P1363), accepted because raw ECDSA was allowed (weakened): DSSE expects ASN.1 DER"
                : $"{name} signature (raw r‖s, not DER) does not verify";
            return valid;
        }
        reason = $"{name} signature is neither DER nor {rawLength}-byte r‖s ({signature.Length} bytes)";
        return false;
    }

    private static bool VerifyRsa(RSA rsa, ReadOnlySpan<byte> pae, ReadOnlySpan<byte> signature, out string reason)
    {
        var valid = signature.Length == 384 && rsa.VerifyData(pae, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        reason = valid ? "rsa-3072 PKCS#1 v1.5 SHA-256 signature verified"
            : signature.Length != 384 ? $"rsa-3072 signature must be 384 bytes; got {signature.Length}" : "rsa-3072 signature does not verify";
        return valid;
    }

    private bool VerifyEd25519(ReadOnlySpan<byte> pae, ReadOnlySpan<byte> signature, out string reason)
    {
        if (signature.Length != 64)
        {
            reason = $"ed25519 signature must be 64 bytes; got {signature.Length}";
            return false;
        }
        var verifier = new Ed25519Signer();
        verifier.Init(false, _ed25519);
        var data = pae.ToArray();
        verifier.BlockUpdate(data, 0, data.Length);
        var valid = verifier.VerifySignature(signature.ToArray());
        reason = valid ? "ed25519 signature verified" : "ed25519 signature does not verify";
        return valid;
    }

    public void Dispose() => _platformKey?.Dispose();
}

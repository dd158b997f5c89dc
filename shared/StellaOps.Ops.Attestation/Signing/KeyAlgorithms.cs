using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Signing;

/// <summary>What each <see cref="KeyAlgorithm"/> means on the wire, and detection from a SubjectPublicKeyInfo.</summary>
public static class KeyAlgorithms
{
    public const string OidP256 = "1.2.840.10045.3.1.7";
    public const string OidP384 = "1.3.132.0.34";

    /// <summary>The digest a key of <paramref name="algorithm"/> signs: the one rule, <see cref="SigningHash.For"/>.</summary>
    public static HashAlgorithmName? Hash(KeyAlgorithm algorithm) => SigningHash.For(algorithm);

    public static bool IsEcdsa(KeyAlgorithm algorithm) => algorithm is KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384;

    /// <summary>Bytes in one ECDSA scalar (r or s): 32 for P-256, 48 for P-384.</summary>
    public static int EcdsaFieldBytes(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => 32,
        KeyAlgorithm.EcdsaP384 => 48,
        _ => throw new ArgumentException($"{algorithm.ToName()} is not an ECDSA algorithm.", nameof(algorithm)),
    };

    /// <summary>
    /// Detects the algorithm from an SPKI: id-ecPublicKey with named curve P-256 or P-384, rsaEncryption with a
    /// 3072-bit modulus, or id-Ed25519. Anything else returns false with the reason.
    /// </summary>
    public static bool TryDetect(ReadOnlySpan<byte> spkiDer, out KeyAlgorithm algorithm, out string error)
    {
        algorithm = default;
        error = "";
        SubjectPublicKeyInfo info;
        try
        {
            var obj = Asn1Object.FromByteArray(spkiDer.ToArray());
            info = SubjectPublicKeyInfo.GetInstance(obj);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or FormatException or InvalidOperationException)
        {
            error = $"Not a SubjectPublicKeyInfo: {e.Message}";
            return false;
        }

        var oid = info.Algorithm.Algorithm;
        if (oid.Equals(X9ObjectIdentifiers.IdECPublicKey))
        {
            var curve = info.Algorithm.Parameters as DerObjectIdentifier;
            if (curve is null)
            {
                error = "EC key without a named curve (explicit curve parameters are not accepted).";
                return false;
            }
            if (curve.Id == OidP256) { algorithm = KeyAlgorithm.EcdsaP256; return true; }
            if (curve.Id == OidP384) { algorithm = KeyAlgorithm.EcdsaP384; return true; }
            error = $"EC curve {curve.Id} is not supported; use P-256 ({OidP256}) or P-384 ({OidP384}).";
            return false;
        }
        if (oid.Equals(PkcsObjectIdentifiers.RsaEncryption))
        {
            int bits;
            try
            {
                using var rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(spkiDer, out _);
                bits = rsa.KeySize;
            }
            catch (CryptographicException e)
            {
                error = $"Unreadable RSA public key: {e.Message}";
                return false;
            }
            if (bits != 3072)
            {
                error = $"RSA key of {bits} bits; only rsa-3072 is supported.";
                return false;
            }
            algorithm = KeyAlgorithm.Rsa3072;
            return true;
        }
        if (oid.Equals(EdECObjectIdentifiers.id_Ed25519))
        {
            if (info.PublicKey.GetOctets().Length != 32)
            {
                error = "Ed25519 public key is not 32 bytes.";
                return false;
            }
            algorithm = KeyAlgorithm.Ed25519;
            return true;
        }
        error = $"Public key algorithm {oid.Id} is not supported (ecdsa-p256, ecdsa-p384, rsa-3072, ed25519).";
        return false;
    }

    public static KeyAlgorithm Detect(ReadOnlySpan<byte> spkiDer)
        => TryDetect(spkiDer, out var a, out var error) ? a : throw new ArgumentException(error, nameof(spkiDer));

    internal static KeyAlgorithm FromEcdsa(ECDsa key)
    {
        var oid = key.ExportParameters(false).Curve.Oid;
        var value = oid?.Value;
        if (value is null && oid?.FriendlyName is { } friendly)
        {
            value = friendly switch
            {
                "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1" => OidP256,
                "nistP384" or "ECDSA_P384" or "secp384r1" => OidP384,
                _ => null,
            };
        }
        return value switch
        {
            OidP256 => KeyAlgorithm.EcdsaP256,
            OidP384 => KeyAlgorithm.EcdsaP384,
            _ => throw new ArgumentException($"ECDSA curve '{oid?.Value ?? oid?.FriendlyName}' is not supported; use P-256 or P-384."),
        };
    }

}

using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Transparency.Entries;

/// <summary>Sigstore's <c>PublicKeyDetails</c> names for the product's key algorithms, and the digest each signs.</summary>
public static class KeyDetails
{
    public static string For(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => "PKIX_ECDSA_P256_SHA_256",
        KeyAlgorithm.EcdsaP384 => "PKIX_ECDSA_P384_SHA_384",
        KeyAlgorithm.Rsa3072 => "PKIX_RSA_PKCS1V15_3072_SHA256",
        KeyAlgorithm.Ed25519 => "PKIX_ED25519",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    /// <summary>The <c>HashAlgorithm</c> name of the digest a hashedrekord entry carries for keys of <paramref name="algorithm"/>.</summary>
    public static string DigestName(KeyAlgorithm algorithm) => SigningHash.For(algorithm)?.Name == "SHA384" ? "SHA2_384" : "SHA2_256";

    public static byte[] Digest(KeyAlgorithm algorithm, ReadOnlySpan<byte> data)
        => SigningHash.SignsDigest(algorithm) ? SigningHash.Digest(algorithm, data) : System.Security.Cryptography.SHA256.HashData(data);
}

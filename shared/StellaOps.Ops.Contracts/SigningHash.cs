using System.Security.Cryptography;

namespace StellaOps.Ops.Contracts;

/// <summary>
/// The one rule for which hash a key signs with: SHA-256 for ecdsa-p256 and rsa-3072, SHA-384 for ecdsa-p384 (as
/// sigstore's PKIX_ECDSA_P384_SHA_384), none for ed25519 (pure Ed25519 signs the whole message). Every signer — the
/// daemon's software and HSM keys, the HSM library, the module's digests, offline tooling — asks here.
/// </summary>
public static class SigningHash
{
    /// <summary>The hash <paramref name="algorithm"/> signs with; null for Ed25519.</summary>
    public static HashAlgorithmName? For(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => HashAlgorithmName.SHA256,
        KeyAlgorithm.EcdsaP384 => HashAlgorithmName.SHA384,
        KeyAlgorithm.Rsa3072 => HashAlgorithmName.SHA256,
        KeyAlgorithm.Ed25519 => null,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    /// <summary>True when keys of <paramref name="algorithm"/> sign a digest (all but Ed25519).</summary>
    public static bool SignsDigest(KeyAlgorithm algorithm) => For(algorithm) is not null;

    /// <summary>The digest's name as clients write it (<c>sha256</c>, <c>sha384</c>); null for Ed25519.</summary>
    public static string? Name(KeyAlgorithm algorithm) => For(algorithm)?.Name?.ToLowerInvariant();

    /// <summary>Bytes in the digest <paramref name="algorithm"/> signs (32, 48); 0 for Ed25519.</summary>
    public static int Length(KeyAlgorithm algorithm) => For(algorithm) is { } hash ? LengthOf(hash) : 0;

    /// <summary>The digest of <paramref name="message"/> that a key of <paramref name="algorithm"/> signs. Not for Ed25519.</summary>
    public static byte[] Digest(KeyAlgorithm algorithm, ReadOnlySpan<byte> message)
    {
        var hash = Require(algorithm);
        return hash == HashAlgorithmName.SHA384 ? SHA384.HashData(message) : SHA256.HashData(message);
    }

    /// <summary>The digest of a stream's content, read to its end. Not for Ed25519.</summary>
    public static byte[] Digest(KeyAlgorithm algorithm, Stream content)
    {
        var hash = Require(algorithm);
        return hash == HashAlgorithmName.SHA384 ? SHA384.HashData(content) : SHA256.HashData(content);
    }

    /// <summary><c>sha256:hex</c> (lowercase), the form signing.Sign takes and answers.</summary>
    public static string Format(KeyAlgorithm algorithm, ReadOnlySpan<byte> digest) => Name(algorithm) + ":" + Convert.ToHexStringLower(digest);

    /// <summary>Bytes in a digest of <paramref name="hash"/>.</summary>
    public static int LengthOf(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA384 ? 48 : hash == HashAlgorithmName.SHA256 ? 32
        : throw new ArgumentOutOfRangeException(nameof(hash), hash.Name, "Keys sign SHA-256 or SHA-384 digests.");

    private static HashAlgorithmName Require(KeyAlgorithm algorithm)
        => For(algorithm) ?? throw new NotSupportedException($"A {algorithm.ToName()} key signs the whole message, not a digest.");
}

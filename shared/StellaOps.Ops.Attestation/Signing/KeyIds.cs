using System.Security.Cryptography;

namespace StellaOps.Ops.Attestation.Signing;

/// <summary>Key ids: lowercase hex SHA-256 of the public key's SubjectPublicKeyInfo DER.</summary>
public static class KeyIds
{
    public static string FromSpki(ReadOnlySpan<byte> spkiDer)
    {
        if (spkiDer.IsEmpty) throw new ArgumentException("The SubjectPublicKeyInfo is empty.", nameof(spkiDer));
        return Hex.Lower(SHA256.HashData(spkiDer));
    }

    /// <summary>True when <paramref name="keyId"/> has the key-id shape (64 lowercase hex characters).</summary>
    public static bool IsWellFormed(string? keyId) => keyId is not null && Hex.IsLowerHex(keyId, 64);
}

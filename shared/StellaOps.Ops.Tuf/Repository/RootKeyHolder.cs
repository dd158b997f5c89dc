namespace StellaOps.Ops.Tuf.Repository;

/// <summary>Who holds one root key: the holder's name, the key's spec id (its fingerprint) and where the key lives.</summary>
public sealed class RootKeyHolder
{
    public required string Name { get; set; }

    public required string KeyId { get; set; }

    /// <summary>"ed25519" or "ecdsa-p256".</summary>
    public required string Algorithm { get; set; }

    /// <summary>The password-encrypted PKCS#8 file, relative to the repository (null when the key is on a token).</summary>
    public string? KeyFile { get; set; }

    /// <summary>The PKCS#11 token label holding the key (null for a key file): the private key never leaves it.</summary>
    public string? TokenLabel { get; set; }

    /// <summary>The PKCS#11 module the token was used through at the ceremony (another machine may name its own).</summary>
    public string? TokenModule { get; set; }

    /// <summary>The key pair's CKA_ID on the token, hex.</summary>
    public string? TokenKeyId { get; set; }

    public DateTimeOffset Created { get; set; }

    /// <summary>Set when a rotation took the key out of root.</summary>
    public DateTimeOffset? Retired { get; set; }
}

using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>
/// What the key capability needs from the HSMs: key pairs made inside the token (non-extractable), found again
/// by CKA_ID, and signatures. Failures are <see cref="OpsException"/>s (HsmUnavailable, HsmPinIncorrect, …)
/// with messages that say what to do.
/// </summary>
public interface IHsmKeyOperations
{
    /// <summary>False when no HSM is configured (no library or token): HSM keys cannot be made or used.</summary>
    bool IsConfigured { get; }

    /// <summary>The token that holds keys now (label of the active member), for KeyInfo.Location.</summary>
    string Location { get; }

    /// <summary>Generates a key pair with the given CKA_ID; returns the public key as SubjectPublicKeyInfo DER.</summary>
    Task<byte[]> GenerateKeyPairAsync(KeyAlgorithm algorithm, string label, byte[] ckaId, string? slot, CancellationToken cancellationToken);

    /// <summary>Signs <paramref name="message"/> (the HSM layer hashes as the algorithm needs). ECDSA comes back as raw r‖s.</summary>
    Task<byte[]> SignAsync(byte[] ckaId, KeyAlgorithm algorithm, byte[] message, CancellationToken cancellationToken);

    /// <summary>
    /// Signs precomputed digests in one call (SHA-256 for ecdsa-p256/rsa-3072, SHA-384 for ecdsa-p384); ECDSA comes back as raw
    /// r‖s, RSA as PKCS#1 v1.5. Ed25519 has no prehashed form.
    /// </summary>
    Task<byte[][]> SignDigestsAsync(byte[] ckaId, KeyAlgorithm algorithm, IReadOnlyList<byte[]> digests, CancellationToken cancellationToken);

    /// <summary>How many signatures the active HSM makes at once (its operation session pool); 1 when there is none.</summary>
    int Parallelism { get; }

    Task DestroyKeyAsync(byte[] ckaId, CancellationToken cancellationToken);

    /// <summary>The key pairs (private key objects) on each configured token; a token that cannot be read comes back with its error.</summary>
    Task<IReadOnlyList<HsmTokenKeys>> ListKeysAsync(CancellationToken cancellationToken);
}

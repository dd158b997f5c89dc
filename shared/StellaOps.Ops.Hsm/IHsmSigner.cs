using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

/// <summary>
/// What signing needs from a token: a private key found by CKA_ID signs a message or prehashed digests and answers
/// raw (ECDSA r‖s, RSA PKCS#1 v1.5, Ed25519). <see cref="HsmConnection"/> and <see cref="HsmFailoverGroup"/> are
/// tokens; <see cref="HsmDsseSigner"/> turns one key on one into a DSSE signer.
/// </summary>
public interface IHsmSigner
{
    /// <summary>Signs <paramref name="message"/>: hashed as <see cref="SigningHash"/> says, or whole for Ed25519.</summary>
    Task<byte[]> SignAsync(byte[] ckaId, KeyAlgorithm algorithm, byte[] message, CancellationToken cancellationToken = default);

    /// <summary>Signs digests of the hash <see cref="SigningHash"/> names, in one call. Not for Ed25519.</summary>
    Task<byte[][]> SignDigestsAsync(byte[] ckaId, KeyAlgorithm algorithm, IReadOnlyList<byte[]> digests, CancellationToken cancellationToken = default);
}

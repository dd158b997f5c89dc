namespace StellaOps.Ops.Attestation.Signing;

/// <summary>
/// A batch signer that also signs digests computed elsewhere (raw signing of a file's hash): the digest is of the
/// hash <see cref="Contracts.SigningHash"/> names for the key's algorithm, and the signature is the same one
/// <see cref="IDsseSigner.SignAsync"/> makes over the message. Ed25519 has no prehashed form (NotSupportedException).
/// </summary>
public interface IDigestSigner : IDsseBatchSigner
{
    Task<byte[][]> SignDigestsAsync(IReadOnlyList<byte[]> digests, CancellationToken cancellationToken = default);
}

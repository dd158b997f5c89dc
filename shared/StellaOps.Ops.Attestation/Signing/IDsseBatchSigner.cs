using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Signing;

/// <summary>
/// A signer that signs many PAEs in one call (one HSM session lease, one unseal of a software key), for batches of
/// attestations. Same wire format as <see cref="IDsseSigner.SignAsync"/>; the i-th signature is over the i-th PAE.
/// </summary>
public interface IDsseBatchSigner : IDsseSigner
{
    Task<byte[][]> SignManyAsync(IReadOnlyList<byte[]> paes, CancellationToken cancellationToken = default);
}

using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Hsm;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>The daemon's HSMs (failover group behind <see cref="IHsmKeyOperations"/>) as the token an <see cref="HsmDsseSigner"/> signs on.</summary>
internal sealed class HsmKeyToken(IHsmKeyOperations hsm) : IHsmSigner
{
    public Task<byte[]> SignAsync(byte[] ckaId, KeyAlgorithm algorithm, byte[] message, CancellationToken cancellationToken = default)
        => hsm.SignAsync(ckaId, algorithm, message, cancellationToken);

    public Task<byte[][]> SignDigestsAsync(byte[] ckaId, KeyAlgorithm algorithm, IReadOnlyList<byte[]> digests, CancellationToken cancellationToken = default)
        => hsm.SignDigestsAsync(ckaId, algorithm, digests, cancellationToken);
}

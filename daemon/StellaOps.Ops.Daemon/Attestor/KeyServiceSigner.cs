using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>
/// One stored key as a DSSE signer, so envelopes are built by <see cref="Attestation.Dsse.DsseEnvelopeBuilder"/>
/// (which also checks the wire format of what the HSM returned). The key service enforces that the key may sign.
/// </summary>
public sealed class KeyServiceSigner(KeyService keys, KeyRecord key) : IDsseBatchSigner
{
    public string KeyId => key.Id;

    public KeyAlgorithm Algorithm => key.Algorithm;

    public KeyRecord Key => key;

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> pae, CancellationToken cancellationToken = default)
        => keys.SignAsync(key, pae.ToArray(), cancellationToken);

    public Task<byte[][]> SignManyAsync(IReadOnlyList<byte[]> paes, CancellationToken cancellationToken = default)
        => keys.SignMessagesAsync(key, paes, cancellationToken);
}

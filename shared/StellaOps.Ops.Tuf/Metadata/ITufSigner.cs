namespace StellaOps.Ops.Tuf;

/// <summary>
/// Signs metadata: the bytes given are the canonical JSON of a <c>signed</c> object; the answer is the raw signature in
/// the key's TUF wire form (ed25519: 64 bytes; ecdsa: DER; rsassa-pss: the PSS signature). A software key
/// (<see cref="SoftwareTufSigner"/>) or an HSM key adapted to this interface.
/// </summary>
public interface ITufSigner
{
    /// <summary>The spec key id of <see cref="PublicKey"/>.</summary>
    string KeyId { get; }

    TufKey PublicKey { get; }

    Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);
}

using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Signing;

/// <summary>
/// What <see cref="BatchSigner"/> made of one <see cref="SignInput"/>: the signature in DSSE wire format and the digest
/// it signs (null for Ed25519, which signs the message itself), or the error that stopped it.
/// </summary>
public sealed record SignOutput(byte[]? Signature, byte[]? Digest, OpsException? Error)
{
    public static SignOutput Failed(OpsException error) => new(null, null, error);
}

using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>A key pair the daemon set out to generate in the HSM: written before C_GenerateKeyPair, removed after the key's record.</summary>
public sealed record HsmKeyIntent(byte[] CkaId, string Name, KeyAlgorithm Algorithm, string? Slot, DateTimeOffset RequestedAt, string RequestedBy)
{
    public string CkaIdHex => Convert.ToHexString(CkaId);
}

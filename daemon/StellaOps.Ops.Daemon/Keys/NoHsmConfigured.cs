using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Hsm;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>Stands in when the HSM capability is absent, so software keys still work and HSM requests say why not.</summary>
internal sealed class NoHsmConfigured : IHsmKeyOperations
{
    public bool IsConfigured => false;
    public string Location => "none";

    public Task<byte[]> GenerateKeyPairAsync(KeyAlgorithm algorithm, string label, byte[] ckaId, string? slot, CancellationToken cancellationToken) => throw NotConfigured();
    public Task<byte[]> SignAsync(byte[] ckaId, KeyAlgorithm algorithm, byte[] message, CancellationToken cancellationToken) => throw NotConfigured();
    public Task<byte[][]> SignDigestsAsync(byte[] ckaId, KeyAlgorithm algorithm, IReadOnlyList<byte[]> digests, CancellationToken cancellationToken) => throw NotConfigured();
    public int Parallelism => 1;
    public Task DestroyKeyAsync(byte[] ckaId, CancellationToken cancellationToken) => throw NotConfigured();
    public Task<IReadOnlyList<HsmTokenKeys>> ListKeysAsync(CancellationToken cancellationToken) => throw NotConfigured();

    private static OpsException NotConfigured() => new(OpsErrorCode.HsmNotConfigured, "No HSM is configured in this daemon.", null,
        "Configure Hsm:Primary (library, token label, PIN file) in opsd.json, or use software signing: 'stella attest config set signing.mode software'.");
}

using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>On reload: the key attest.signing.key_id names becomes the active one (<see cref="KeyService.AlignWithConfigurationAsync"/>).</summary>
internal sealed class KeyReload(KeyService keys) : IReloadable
{
    public Task ReloadAsync(CancellationToken cancellationToken) => keys.AlignWithConfigurationAsync(cancellationToken);
}

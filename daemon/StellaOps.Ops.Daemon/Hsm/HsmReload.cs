using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>Reload (Invoke-StellaReload): a changed token, module or PIN source is applied; otherwise the sessions stay up.</summary>
public sealed class HsmReload(HsmService service) : IReloadable
{
    public Task ReloadAsync(CancellationToken cancellationToken) => service.ApplyReloadAsync(cancellationToken);
}

using Microsoft.Extensions.Options;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>On reload: the administrator's Sigstore trust files are read again (when the daemon uses files, not TUF).</summary>
internal sealed class TrustSyncReload(IOptions<TrustSyncOptions> options, FileSigstoreTrustSource files) : IReloadable
{
    public Task ReloadAsync(CancellationToken cancellationToken)
    {
        if (options.Value.UsesFiles) files.Reload();
        return Task.CompletedTask;
    }
}

using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>tuf.*: trust sync over RPC (status for readers; init, sync, export, import for operators).</summary>
public sealed class TrustSyncRpc(TrustSyncService service, TrustSyncStatusReader status) : ITrustSyncRpc
{
    public Task<TrustSyncStatus> StatusAsync(CancellationToken cancellationToken) => Task.FromResult(status.Read());

    public Task<TrustSyncResult> InitAsync(TrustInitRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) => service.InitAsync(request, progress, cancellationToken);

    public Task<TrustSyncResult> SyncAsync(TrustSyncRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) => service.SyncAsync(request, progress, cancellationToken);

    public Task<TrustSnapshotFiles> ExportSnapshotAsync(bool includeRoot, CancellationToken cancellationToken) => service.ExportAsync(includeRoot, cancellationToken);

    public Task<TrustSyncResult> ImportSnapshotAsync(TrustSnapshotFiles snapshot, bool force, CancellationToken cancellationToken) => service.ImportAsync(snapshot, force, cancellationToken);
}

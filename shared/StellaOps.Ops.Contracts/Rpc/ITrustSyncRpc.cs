using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// Trust sync: the daemon's TUF client and the Sigstore trust material it delivers (runbook "TUF repository and
/// trust": <c>stella trust init|sync|status|snapshot export</c>). Readers read the status; operators initialise,
/// sync, export and import, every call audited.
/// </summary>
[JsonRpcContract]
public partial interface ITrustSyncRpc
{
    [RequiresRole(CallerRole.Reader)]
    Task<TrustSyncStatus> StatusAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Points the TUF client at a repository. A first init needs the root (its bytes, or its SHA-256 to pin the
    /// repository's own root.json); an initialised client is moved only with <see cref="TrustInitRequest.Force"/> and
    /// keeps its trusted root (the new repository must verify against it). A first sync follows, its steps reported to
    /// <paramref name="progress"/> as a sync reports them.
    /// </summary>
    [RequiresRole(CallerRole.Operator)]
    Task<TrustSyncResult> InitAsync(TrustInitRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Refreshes now; each step (root chain, timestamp, snapshot, targets, each target file) is reported to <paramref name="progress"/> as it starts.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<TrustSyncResult> SyncAsync(TrustSyncRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>The verified metadata chain and targets, for an air-gapped client (written by the module as a .tar.zst).</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<TrustSnapshotFiles> ExportSnapshotAsync(bool includeRoot, CancellationToken cancellationToken);

    /// <summary>Verifies a snapshot exactly as a refresh would, from the trusted root the daemon has; a root change needs <paramref name="force"/>.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<TrustSyncResult> ImportSnapshotAsync(TrustSnapshotFiles snapshot, bool force, CancellationToken cancellationToken);
}

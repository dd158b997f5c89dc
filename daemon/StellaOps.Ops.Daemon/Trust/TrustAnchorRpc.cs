using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Trust;

public sealed class TrustAnchorRpc(TrustAnchorService anchors) : ITrustAnchorRpc
{
    public Task<TrustAnchorInfo[]> ListAsync(TrustAnchorQuery query, CancellationToken cancellationToken) => Task.FromResult(anchors.List(query ?? new TrustAnchorQuery()));

    public Task<TrustAnchorInfo> AddAsync(TrustAnchorRequest request, CancellationToken cancellationToken) => Task.FromResult(anchors.Add(request));

    public Task<TrustAnchorInfo> RemoveAsync(string id, CancellationToken cancellationToken) => Task.FromResult(anchors.Remove(id));
}

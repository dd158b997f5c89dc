using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Trust;

public sealed class IssuerRpc(IssuerService issuers) : IIssuerRpc
{
    public Task<IssuerInfo[]> ListAsync(CancellationToken cancellationToken) => Task.FromResult(issuers.List());

    public Task<IssuerInfo> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult(issuers.Get(id));

    public Task<IssuerInfo> FetchAsync(string id, string? source, CancellationToken cancellationToken) => issuers.FetchAsync(id, source, cancellationToken);

    public Task<IssuerInfo> ApproveAsync(string id, string reason, CancellationToken cancellationToken) => issuers.ApproveAsync(id, reason, cancellationToken);

    public Task<IssuerInfo> RevokeAsync(string id, string reason, CancellationToken cancellationToken) => issuers.RevokeAsync(id, reason, cancellationToken);
}

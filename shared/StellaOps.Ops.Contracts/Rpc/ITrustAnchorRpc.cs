using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// The trust store verification builds chains and trusts keys against (runbook "attestation verification
/// failures": <c>stella trust-anchors list|add|add-intermediate|add-key</c>). Readers list; operators change it,
/// every change audited with the change.
/// </summary>
[JsonRpcContract]
public partial interface ITrustAnchorRpc
{
    [RequiresRole(CallerRole.Reader)]
    Task<TrustAnchorInfo[]> ListAsync(TrustAnchorQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a root, an intermediate or a public key. Adding what is already there changes nothing and answers the
    /// stored anchor. A root that is not a CA or has expired is refused with the reason; an intermediate that chains
    /// to no anchor is kept, with a warning in <see cref="TrustAnchorInfo.Warnings"/>.
    /// </summary>
    [RequiresRole(CallerRole.Operator)]
    Task<TrustAnchorInfo> AddAsync(TrustAnchorRequest request, CancellationToken cancellationToken);

    /// <summary>Removes an anchor by id (or an unambiguous id prefix of at least 8 characters); answers what was removed.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<TrustAnchorInfo> RemoveAsync(string id, CancellationToken cancellationToken);
}

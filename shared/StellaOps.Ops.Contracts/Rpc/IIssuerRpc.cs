using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// Named signer identities and their keys (<c>stella issuer show|trust-status|trust|keys fetch</c>). An issuer's
/// keys come from its signed issuer document; an issuer is trusted once enough different operators approved it
/// (<c>issuers.approval.required</c>) and until it is revoked.
/// </summary>
[JsonRpcContract]
public partial interface IIssuerRpc
{
    [RequiresRole(CallerRole.Reader)]
    Task<IssuerInfo[]> ListAsync(CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Reader)]
    Task<IssuerInfo> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the issuer's document from <paramref name="source"/> (a folder holding <c>issuer.json</c>, or an
    /// http(s) URL; null: where it was fetched from last) and accepts it only when it is signed by a key already
    /// trusted for that issuer (its current keys; for an issuer not known yet, a key trust anchor) and newer than
    /// the one accepted before.
    /// </summary>
    [RequiresRole(CallerRole.Operator)]
    Task<IssuerInfo> FetchAsync(string id, string? source, CancellationToken cancellationToken);

    /// <summary>Records the caller's approval and why; the answer says whether the issuer is trusted now.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<IssuerInfo> ApproveAsync(string id, string reason, CancellationToken cancellationToken);

    /// <summary>Ends trust in the issuer; approvals given before the revocation no longer count.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<IssuerInfo> RevokeAsync(string id, string reason, CancellationToken cancellationToken);
}

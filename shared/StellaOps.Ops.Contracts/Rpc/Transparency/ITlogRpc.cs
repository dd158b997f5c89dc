using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// The transparency-log client (runbook 004: <c>stella trust status --show-backends|--show-circuit-breaker</c>,
/// <c>stella trust reset-circuits</c>, <c>stella rekor query</c>). Readers see the backends and search the
/// daemon's record of what it logged; operators close circuit breakers (audited) and resubmit.
/// </summary>
[JsonRpcContract]
public partial interface ITlogRpc
{
    /// <summary>Each log backend the signing config allows, in failover order, with its circuit state and the outbox.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<TlogStatus> StatusAsync(CancellationToken cancellationToken);

    /// <summary>Closes the circuit breaker of <paramref name="backend"/> (its URL), or of every backend when null.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<TlogBackendInfo[]> ResetCircuitsAsync(string? backend, CancellationToken cancellationToken);

    /// <summary>Entries this daemon logged in the window whose signing key or log key is the query's key id.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<TlogSearchHit[]> SearchAsync(TlogSearchQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Reads each configured log (or the query's backend) itself from a checkpoint verified against the one the daemon
    /// verified last (consistency proved), at most the query's MaxEntries from its StartIndex, and answers the entries
    /// in the window (v2 logs record no time: every entry read) this daemon did not write, with what was read.
    /// </summary>
    [RequiresRole(CallerRole.Reader)]
    Task<TlogLogSearch> SearchLogAsync(TlogSearchQuery query, CancellationToken cancellationToken);

    /// <summary>Queues the given attestations to be logged again (to a log whose key is trusted now).</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<int> ResubmitAsync(string[] attestationIds, CancellationToken cancellationToken);
}

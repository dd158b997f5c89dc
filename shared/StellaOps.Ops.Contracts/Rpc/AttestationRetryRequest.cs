using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record AttestationRetryRequest
{
    /// <summary>Specific attestations; with <see cref="Resign"/> they are signed again even if already signed.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];
    /// <summary>All Failed and interrupted (Pending from before this daemon started) attestations in the window.</summary>
    public bool Failed { get; init; }
    public Duration? Last { get; init; }
    public DateTimeOffset? Since { get; init; }
    /// <summary>
    /// With <see cref="Failed"/>: one call takes at most <see cref="Protocol.MaxBatchItems"/> attestations, in id order;
    /// the next call passes the last id it got here to go on after it.
    /// </summary>
    public string? AfterId { get; init; }
    /// <summary>Sign signed attestations again with the current key (the previous envelope stays in the history).</summary>
    public bool Resign { get; init; }
}

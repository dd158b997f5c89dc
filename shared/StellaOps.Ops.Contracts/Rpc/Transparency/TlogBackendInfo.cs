namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>One transparency-log backend: where, which API, its circuit breaker (state, since when, why), last success.</summary>
public sealed record TlogBackendInfo
{
    public string Url { get; init; } = "";
    public int ApiVersion { get; init; }
    public string Operator { get; init; } = "";
    /// <summary>Its place in the failover order (0: the primary).</summary>
    public int Order { get; init; }
    /// <summary>Closed, Open, HalfOpen or Isolated (Polly's names).</summary>
    public string CircuitState { get; init; } = "Closed";
    public DateTimeOffset? CircuitSince { get; init; }
    public string? CircuitReason { get; init; }
    public long CircuitOpens { get; init; }
    public DateTimeOffset? LastSuccess { get; init; }
    public string? LastError { get; init; }
    public long Submissions { get; init; }
    public long Failures { get; init; }
    /// <summary>Attestations waiting in the outbox (shared by all backends).</summary>
    public long QueueDepth { get; init; }
}

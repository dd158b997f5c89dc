namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>A transparency-log circuit breaker (filled by the transparency-log client; empty until it is wired).</summary>
public sealed record TrustCircuitStatus
{
    public string Url { get; init; } = "";
    public string State { get; init; } = "";
    public string Message { get; init; } = "";
}

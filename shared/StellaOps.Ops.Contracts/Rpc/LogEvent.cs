namespace StellaOps.Ops.Contracts.Rpc;

public sealed record LogEvent
{
    public long Id { get; init; }
    public DateTimeOffset Timestamp { get; init; }
    public LogLevel Level { get; init; }
    public string Component { get; init; } = "";
    public string Category { get; init; } = "";
    public string Message { get; init; } = "";
    public string? Exception { get; init; }
    /// <summary>Who caused it, for audit events and requests.</summary>
    public string? Caller { get; init; }
}

using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>The daemon's queryable event store (behind Get-StellaLog).</summary>
[JsonRpcContract]
public partial interface ILogRpc
{
    [RequiresRole(CallerRole.Reader)]
    Task<LogEvent[]> QueryAsync(LogQuery query, CancellationToken cancellationToken);
}

/// <summary>Severity, ordered. Mirrors Microsoft.Extensions.Logging without depending on it.</summary>
public enum LogLevel { Trace, Debug, Information, Warning, Error, Critical }

public sealed record LogQuery
{
    /// <summary>Component name (Attestor, Hsm, Keys, Ipc, Audit, …); null for all.</summary>
    public string? Component { get; init; }
    /// <summary>The least level returned.</summary>
    public LogLevel? MinLevel { get; init; }
    public DateTimeOffset? Since { get; init; }
    /// <summary>A case-insensitive substring of the message or category.</summary>
    public string? Filter { get; init; }
    /// <summary>Newest first, at most this many (capped by the daemon).</summary>
    public int Max { get; init; } = 1000;
}

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

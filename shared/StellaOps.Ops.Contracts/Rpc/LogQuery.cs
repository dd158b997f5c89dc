namespace StellaOps.Ops.Contracts.Rpc;

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

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>A transparency or CT log key of the trusted root: the log, the key's SHA-256 fingerprint (of its SPKI) and window.</summary>
public sealed record TrustLogKey
{
    /// <summary>tlog or ctlog.</summary>
    public string Kind { get; init; } = "";
    public string BaseUrl { get; init; } = "";
    public string KeyDetails { get; init; } = "";
    public string Fingerprint { get; init; } = "";
    public string LogId { get; init; } = "";
    public string? Operator { get; init; }
    public DateTimeOffset ValidFrom { get; init; }
    public DateTimeOffset? ValidUntil { get; init; }
}

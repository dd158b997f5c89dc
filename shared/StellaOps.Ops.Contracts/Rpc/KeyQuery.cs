namespace StellaOps.Ops.Contracts.Rpc;

public sealed record KeyQuery
{
    public KeyType? Type { get; init; }
    public KeyStatus? Status { get; init; }
    /// <summary>Keys (not revoked or retired) whose expiry falls within this window from now.</summary>
    public Duration? ExpiringWithin { get; init; }
    /// <summary>Name filter with wildcards.</summary>
    public string? Name { get; init; }
    public string? Purpose { get; init; }
}

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>A trusted TUF role: version, expiry, and whether it has expired.</summary>
public sealed record TrustRoleStatus
{
    public string Role { get; init; } = "";
    public long Version { get; init; }
    public DateTimeOffset Expires { get; init; }
    public bool Expired { get; init; }
    public int Threshold { get; init; }
    public int KeyCount { get; init; }
}

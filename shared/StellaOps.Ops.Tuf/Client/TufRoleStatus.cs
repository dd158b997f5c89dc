namespace StellaOps.Ops.Tuf;

/// <summary>A trusted role for a status view: its version, expiry, keys and threshold.</summary>
public sealed record TufRoleStatus(string Role, long Version, DateTimeOffset Expires, int Threshold, IReadOnlyList<TufRoleKeyStatus> Keys)
{
    public bool IsExpired(DateTimeOffset now) => now >= Expires;
}

namespace StellaOps.Ops.Tuf;

/// <summary>One role's trusted version before and after a refresh (null: none was trusted / it was not loaded).</summary>
public sealed record TufRoleChange(string Role, long? VersionBefore, long? VersionAfter)
{
    public bool Changed => VersionBefore != VersionAfter;
}

/// <summary>What a refresh did: the top-level roles' versions before → after, and when it finished.</summary>
public sealed record TufRefreshResult(IReadOnlyList<TufRoleChange> Roles, DateTimeOffset RefreshedAt)
{
    public bool Changed => Roles.Any(r => r.Changed);

    public TufRoleChange this[string role] => Roles.First(r => r.Role == role);
}

/// <summary>A trusted role for a status view: its version, expiry, keys and threshold.</summary>
public sealed record TufRoleStatus(string Role, long Version, DateTimeOffset Expires, int Threshold, IReadOnlyList<TufRoleKeyStatus> Keys)
{
    public bool IsExpired(DateTimeOffset now) => now >= Expires;
}

/// <summary>One key of a role: the key id, type and scheme.</summary>
public sealed record TufRoleKeyStatus(string KeyId, string KeyType, string Scheme);

namespace StellaOps.Ops.Tuf;

/// <summary>
/// What a refresh did: the top-level roles' versions before → after, when it finished, and the bytes of every root
/// version it rotated through, in order (the cache keeps only the newest; a client that exports snapshots keeps
/// them all, so a client with an older root can follow the whole chain).
/// </summary>
public sealed record TufRefreshResult(IReadOnlyList<TufRoleChange> Roles, DateTimeOffset RefreshedAt)
{
    public IReadOnlyList<byte[]> TrustedRoots { get; init; } = [];

    public bool Changed => Roles.Any(r => r.Changed);

    public TufRoleChange this[string role] => Roles.First(r => r.Role == role);
}

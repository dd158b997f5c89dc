namespace StellaOps.Ops.Tuf;

/// <summary>What a refresh did: the top-level roles' versions before → after, and when it finished.</summary>
public sealed record TufRefreshResult(IReadOnlyList<TufRoleChange> Roles, DateTimeOffset RefreshedAt)
{
    public bool Changed => Roles.Any(r => r.Changed);

    public TufRoleChange this[string role] => Roles.First(r => r.Role == role);
}

namespace StellaOps.Ops.Tuf.Repository;

/// <summary>A repository's state: each role (a pending root as its own row) and the changes not signed yet.</summary>
public sealed class TufRepositoryStatus
{
    public required string Directory { get; init; }

    public required List<TufRoleState> Roles { get; init; }

    /// <summary>What sign-metadata.sh would sign: changed targets sources, a pending root with who still has to sign.</summary>
    public required List<string> PendingChanges { get; init; }

    public required int RootHolders { get; init; }
}

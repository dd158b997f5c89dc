namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>What a sync, init or import did: versions before → after, and what changed in the trust material.</summary>
public sealed record TrustSyncResult
{
    public string RepositoryUrl { get; init; } = "";
    public TrustRoleVersion[] Roles { get; init; } = [];

    /// <summary>In words: "transparency log added: https://…", "endpoint removed: …"; empty when the material is the same.</summary>
    public string[] MaterialChanges { get; init; } = [];

    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>The material in effect is expired metadata served under --allow-stale.</summary>
    public bool Stale { get; init; }

    /// <summary>What the operator must know (stale metadata served, a first sync that failed after init).</summary>
    public string[] Warnings { get; init; } = [];
}

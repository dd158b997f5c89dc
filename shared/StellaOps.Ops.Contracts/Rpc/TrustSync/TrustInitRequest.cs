namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>What <c>stella trust init</c> sends: the repository, and for a first init its root (bytes or pinned hash).</summary>
public sealed record TrustInitRequest
{
    /// <summary>The repository's metadata URL (<c>https://tuf-repo-cdn.sigstore.dev/</c>).</summary>
    public string TufUrl { get; init; } = "";

    /// <summary>The targets URL; empty: <c>{TufUrl}targets/</c>, the Sigstore layout.</summary>
    public string? TargetsUrl { get; init; }

    /// <summary>The trusted root.json, as given to the operator out of band.</summary>
    public byte[]? Root { get; init; }

    /// <summary>Lower-case hex SHA-256 of the root.json to trust: the repository's own root.json is fetched and must match.</summary>
    public string? RootSha256 { get; init; }

    public bool Force { get; init; }
}

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>What <c>stella trust init</c> sends: the repository, and for a first init its root (bytes or pinned hash).</summary>
public sealed record TrustInitRequest : IAuditDescribed
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

    /// <summary>The audit shows the URLs, the root's SHA-256 and force, not the root's bytes.</summary>
    public string DescribeForAudit() =>
        $"tufUrl={TufUrl} targetsUrl={TargetsUrl ?? "(default)"} root={(Root is null ? "none" : "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Root)))} rootSha256={RootSha256 ?? "none"} force={Force}";
}

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// What <c>stella trust sync</c> sends. <see cref="Force"/>: fetch the targets again even when cached copies match.
/// <see cref="AllowStale"/>: when the repository cannot give fresh metadata, keep serving the expired last good
/// metadata while its age since the last good refresh is within <see cref="MaxAge"/>.
/// </summary>
public sealed record TrustSyncRequest
{
    public bool Force { get; init; }
    public bool AllowStale { get; init; }
    public Duration? MaxAge { get; init; }
}

using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record AttestationQuery
{
    public string? Id { get; init; }
    public AttestationStatus? Status { get; init; }
    public DateTimeOffset? Since { get; init; }
    /// <summary>Created within this window from now.</summary>
    public Duration? Last { get; init; }
    /// <summary>Subject name (wildcards) or digest (<c>sha256:hex</c>).</summary>
    public string? Subject { get; init; }
    public string? Type { get; init; }
    /// <summary>At most this many, newest first; null for the daemon's default (1000). For a page: at most this many on the page.</summary>
    public int? Limit { get; init; }
    /// <summary>A page's <see cref="AttestationPage.Next"/>: the page after it (<see cref="IAttestRpc.ListPageAsync"/> only).</summary>
    public string? Cursor { get; init; }
}

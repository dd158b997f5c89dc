using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>One page of an attestation list (<see cref="IAttestRpc.ListPageAsync"/>), newest first.</summary>
public sealed record AttestationPage
{
    /// <summary>The most attestations one page holds, whatever the query's limit.</summary>
    public const int MaxItems = 1000;

    /// <summary>The most bytes of attestations one page holds (4 MiB), well under the daemon's answer limit.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    public IReadOnlyList<AttestationInfo> Items { get; init; } = [];

    /// <summary>Where the next page starts (an opaque cursor for <see cref="AttestationQuery.Cursor"/>); null after the last page.</summary>
    public string? Next { get; init; }
}

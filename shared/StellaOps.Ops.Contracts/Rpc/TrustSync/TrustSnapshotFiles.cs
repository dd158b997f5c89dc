namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>A trust snapshot's files (<c>metadata/…</c>, <c>targets/…</c>, <c>manifest.json</c>) by their path in the bundle.</summary>
public sealed record TrustSnapshotFiles
{
    public Dictionary<string, byte[]> Files { get; init; } = [];
}

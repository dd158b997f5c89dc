namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>A trust snapshot's files (<c>metadata/…</c>, <c>targets/…</c>, <c>manifest.json</c>) by their path in the bundle.</summary>
public sealed record TrustSnapshotFiles : IAuditDescribed
{
    public Dictionary<string, byte[]> Files { get; init; } = [];

    /// <summary>The audit shows the file names and sizes, never the bytes.</summary>
    public string DescribeForAudit() => $"{Files.Count} files, {Files.Values.Sum(f => (long)f.Length)} bytes: {string.Join(", ", Files.Keys.Order(StringComparer.Ordinal).Take(12))}";
}

using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record SignRequest : IAuditDescribed
{
    /// <summary>The message itself; the key's algorithm hashes it (SHA-256, SHA-384 for P-384; Ed25519 signs it whole).</summary>
    public byte[]? Data { get; init; }

    /// <summary>A precomputed digest, <c>sha256:hex</c> (or <c>sha384:hex</c> for a P-384 key). Not for Ed25519 keys.</summary>
    public string? Digest { get; init; }

    public string? KeyId { get; init; }

    /// <summary>The digest (cut to 100 characters, it is the client's text), or only the size of the data: data is never audited.</summary>
    public string DescribeForAudit() =>
        (Digest is { } d ? "digest " + (d.Length > 100 ? d[..100] + "…" : d) : $"data ({Data?.Length ?? 0} bytes)")
        + (KeyId is null ? "" : ", key " + (KeyId.Length > 100 ? KeyId[..100] + "…" : KeyId));
}

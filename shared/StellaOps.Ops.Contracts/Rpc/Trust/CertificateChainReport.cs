namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>A checked chain: every link from the leaf up, and whether the whole chain leads to a trust anchor.</summary>
public sealed record CertificateChainReport
{
    public string KeyId { get; init; } = "";
    public string? AttestationId { get; init; }
    public DateTimeOffset CheckedAt { get; init; }
    /// <summary>When the attestation was signed (for -AttestationId).</summary>
    public DateTimeOffset? SignedAt { get; init; }
    public bool Valid { get; init; }
    public CertificateLink[] Links { get; init; } = [];
    /// <summary>The first failing link in words ("certificate chain invalid: intermediate missing …"), or that the chain is valid.</summary>
    public string Summary { get; init; } = "";

    public override string ToString() => Summary;
}

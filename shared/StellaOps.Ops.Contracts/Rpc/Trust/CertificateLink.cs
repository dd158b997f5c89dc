using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>One link of a certificate chain with its verdict at the time the chain was checked.</summary>
public sealed record CertificateLink
{
    /// <summary>0 for the leaf, counting up towards the root.</summary>
    public int Position { get; init; }
    public CertificateLinkRole Role { get; init; }
    public string Subject { get; init; } = "";
    public string Issuer { get; init; } = "";
    public string? SerialNumber { get; init; }
    public string? Fingerprint { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NotAfter { get; init; }
    /// <summary>Whole days from the check to NotAfter (negative once expired).</summary>
    public int? DaysLeft { get; init; }
    public CertificateLinkStatus Status { get; init; }
    /// <summary>The verdict in words.</summary>
    public string Reason { get; init; } = "";
    /// <summary>The runbook command that fixes a failed link; empty when it passed.</summary>
    public string Fix { get; init; } = "";
    /// <summary>Where the certificate came from: the signer, the bundle, or the trust source that supplied it; null when not recorded.</summary>
    public string? Source { get; init; }
    /// <summary>The key whose chain this is.</summary>
    public string KeyId { get; init; } = "";
    /// <summary>The attestation the chain was checked for, when it was.</summary>
    public string? AttestationId { get; init; }

    public bool Passed => Status is CertificateLinkStatus.Valid or CertificateLinkStatus.Trusted;

    public override string ToString() => $"{Role} {Subject}: {Status}";
}

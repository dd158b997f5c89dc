using StellaOps.Ops.Attestation.Verification;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>The issuer directory as a verifier's trust source: every issuer with its verdict, and the keys of trusted issuers with their windows.</summary>
public sealed class IssuerTrustMaterial(IssuerService issuers) : ITrustMaterial
{
    public IReadOnlyList<TrustedKey> Keys => issuers.Material().Keys;

    public IReadOnlyList<TrustedCertificate> Certificates => [];

    public IReadOnlyList<TrustedIssuer> Issuers => issuers.Material().Issuers;
}

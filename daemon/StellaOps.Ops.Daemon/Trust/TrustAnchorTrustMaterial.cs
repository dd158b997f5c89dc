using StellaOps.Ops.Attestation.Verification;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>The trust store as a verifier's trust source: key anchors with their windows, CA roots and intermediates.</summary>
public sealed class TrustAnchorTrustMaterial(TrustAnchorService anchors) : ITrustMaterial
{
    public IReadOnlyList<TrustedKey> Keys => anchors.Material().Keys;

    public IReadOnlyList<TrustedCertificate> Certificates => anchors.Material().Certificates;

    public IReadOnlyList<TrustedIssuer> Issuers => [];
}

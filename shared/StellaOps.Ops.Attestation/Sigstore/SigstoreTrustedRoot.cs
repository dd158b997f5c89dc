namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// A parsed and validated Sigstore <c>trusted_root.json</c> (<c>application/vnd.dev.sigstore.trustedroot.v0.2+json</c>,
/// v0.1 and the legacy <c>…trustedroot+json;version=0.1</c>): the keys and certificates verifiers trust.
/// </summary>
public sealed record SigstoreTrustedRoot(
    string MediaType,
    IReadOnlyList<TransparencyLogInstance> TransparencyLogs,
    IReadOnlyList<CertificateAuthorityInstance> CertificateAuthorities,
    IReadOnlyList<TransparencyLogInstance> CertificateTransparencyLogs,
    IReadOnlyList<CertificateAuthorityInstance> TimestampAuthorities);

namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// A certificate authority or timestamp authority of a trusted root (both are Sigstore's <c>CertificateAuthority</c>
/// message): its subject, URI, certificate chain (DER, leaf or issuing certificate first, root last), validity and
/// (v0.2) operator: timestamps from one operator count once toward a threshold.
/// </summary>
public sealed record CertificateAuthorityInstance(
    string SubjectOrganization,
    string SubjectCommonName,
    Uri? Uri,
    IReadOnlyList<byte[]> CertificateChain,
    ValidityPeriod ValidFor,
    string? Operator = null);

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// Trust material fixed at construction: what a caller hands over directly (the module's -TrustedKey and -TrustAnchor
/// files for offline verification, a test's keys and CAs).
/// </summary>
public sealed class StaticTrustMaterial(
    IEnumerable<TrustedKey>? keys = null,
    IEnumerable<TrustedCertificate>? certificates = null,
    IEnumerable<TrustedIssuer>? issuers = null) : ITrustMaterial
{
    public IReadOnlyList<TrustedKey> Keys { get; } = [.. keys ?? []];

    public IReadOnlyList<TrustedCertificate> Certificates { get; } = [.. certificates ?? []];

    public IReadOnlyList<TrustedIssuer> Issuers { get; } = [.. issuers ?? []];
}

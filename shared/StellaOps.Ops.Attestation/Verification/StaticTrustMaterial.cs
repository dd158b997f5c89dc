namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// Trust material fixed at construction: what a caller hands over directly (the module's -TrustedKey, -TrustAnchor
/// and -TrustedRoot files for offline verification, a test's keys, CAs and logs).
/// </summary>
public sealed class StaticTrustMaterial(
    IEnumerable<TrustedKey>? keys = null,
    IEnumerable<TrustedCertificate>? certificates = null,
    IEnumerable<TrustedIssuer>? issuers = null,
    IEnumerable<Sigstore.TransparencyLogInstance>? transparencyLogs = null) : ITrustMaterial
{
    public IReadOnlyList<Sigstore.TransparencyLogInstance> TransparencyLogs { get; } = [.. transparencyLogs ?? []];

    public IReadOnlyList<TrustedKey> Keys { get; } = [.. keys ?? []];

    public IReadOnlyList<TrustedCertificate> Certificates { get; } = [.. certificates ?? []];

    public IReadOnlyList<TrustedIssuer> Issuers { get; } = [.. issuers ?? []];
}

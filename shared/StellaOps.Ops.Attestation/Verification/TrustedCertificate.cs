using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Attestation.Certificates;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// A CA certificate in the trust material. A root is a trust anchor; an intermediate is only a link a chain may use
/// on its way to a root. Its id is the lower-case hex SHA-256 fingerprint of the DER, the same id the trust-anchor
/// cmdlets show.
/// </summary>
public sealed class TrustedCertificate
{
    public TrustedCertificate(X509Certificate2 certificate, TrustedCertificateRole role, string source)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrEmpty(source);
        Certificate = certificate;
        Role = role;
        Source = source;
        Id = CertificatePem.Fingerprint(certificate);
    }

    public string Id { get; }

    public X509Certificate2 Certificate { get; }

    public TrustedCertificateRole Role { get; }

    /// <summary>Where the trust came from, in words (e.g. "trust anchor added by alice 2026-12-01").</summary>
    public string Source { get; }

    public DateTimeOffset NotBefore => Certificate.NotBefore.ToUniversalTime();

    public DateTimeOffset NotAfter => Certificate.NotAfter.ToUniversalTime();

    public override string ToString() => $"{Role} {Certificate.Subject} ({Id[..16]}…)";
}

using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Attestation.Verification;

namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// A Sigstore trusted root as a verifier's trust source: its transparency logs (with their key windows) and the CA
/// and TSA chains as certificates, the last certificate of each chain a root (the spec's trust anchor), the CA
/// certificates before it intermediates. A TSA chain's first certificate is the TSA's own signing certificate, not a
/// CA: the timestamp carries it, so it is not trusted here. Log keys are not signing keys: <see cref="Keys"/> stays
/// empty, so a log key can never pass for an attestation signer.
/// </summary>
public sealed class SigstoreTrustedRootTrustMaterial : ITrustMaterial
{
    public SigstoreTrustedRootTrustMaterial(SigstoreTrustedRoot trustedRoot, string origin)
    {
        ArgumentNullException.ThrowIfNull(trustedRoot);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        TrustedRoot = trustedRoot;
        TransparencyLogs = trustedRoot.TransparencyLogs;
        Certificates = [
            .. trustedRoot.CertificateAuthorities.SelectMany(ca => Chain(ca, $"Sigstore trusted root CA {ca.Uri?.ToString() ?? ca.SubjectCommonName} ({origin})")),
            .. trustedRoot.TimestampAuthorities.SelectMany(tsa => Chain(tsa, $"Sigstore trusted root TSA {tsa.Uri?.ToString() ?? tsa.SubjectCommonName} ({origin})")),
        ];
    }

    public SigstoreTrustedRoot TrustedRoot { get; }

    public IReadOnlyList<TrustedKey> Keys => [];

    public IReadOnlyList<TrustedCertificate> Certificates { get; }

    public IReadOnlyList<TrustedIssuer> Issuers => [];

    public IReadOnlyList<TransparencyLogInstance> TransparencyLogs { get; }

    private static IEnumerable<TrustedCertificate> Chain(CertificateAuthorityInstance authority, string source)
    {
        var chain = authority.CertificateChain;
        for (var i = 0; i < chain.Count; i++)
        {
            var certificate = X509CertificateLoader.LoadCertificate(chain[i]);
            if (i == chain.Count - 1)
            {
                yield return new TrustedCertificate(certificate, TrustedCertificateRole.Root, source);
            }
            else if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority))
            {
                yield return new TrustedCertificate(certificate, TrustedCertificateRole.Intermediate, source);
            }
            else
            {
                certificate.Dispose();
            }
        }
    }
}

using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>One parsed snapshot of the trust store: what chains are built against and which bare keys are trusted when.</summary>
public sealed record TrustAnchorMaterial(
    IReadOnlyList<TrustedKey> Keys,
    IReadOnlyList<TrustedCertificate> Certificates,
    IReadOnlyList<X509Certificate2> Roots,
    IReadOnlyList<X509Certificate2> Intermediates)
{
    public static TrustAnchorMaterial From(IReadOnlyList<TrustAnchorRecord> anchors)
    {
        var keys = new List<TrustedKey>();
        var certificates = new List<TrustedCertificate>();
        foreach (var a in anchors)
        {
            var source = $"trust anchor added by {a.AddedBy} {a.AddedAt:u}";
            if (a.Kind == TrustAnchorKind.Key) keys.Add(new TrustedKey(a.Der, a.NotBefore, a.NotAfter, a.Id));
            else certificates.Add(new TrustedCertificate(a.Certificate(), a.Kind == TrustAnchorKind.Root ? TrustedCertificateRole.Root : TrustedCertificateRole.Intermediate, source));
        }
        return new TrustAnchorMaterial(keys, certificates,
            [.. certificates.Where(c => c.Role == TrustedCertificateRole.Root).Select(c => c.Certificate)],
            [.. certificates.Where(c => c.Role == TrustedCertificateRole.Intermediate).Select(c => c.Certificate)]);
    }
}

using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Attestation.Certificates;

/// <summary>
/// Builds the chain of a leaf certificate against given trust roots only (never the system's), using given
/// intermediates, and judges every link: time validity at a given instant, CA and key usage, signature, and where
/// the chain ends (a trusted root, a root nobody trusts, or a gap where an intermediate is missing). Unlike a
/// plain <see cref="X509Chain"/> result, each link carries its own verdict and the runbook's fix.
/// </summary>
public static class CertificateChainEvaluator
{
    public const string FixAddRoot = "stella trust-anchors add --cert <issuer-cert.pem>";
    public const string FixAddIntermediate = "stella trust-anchors add-intermediate --cert <intermediate.pem>";
    public const string FixNewLeaf = "issue the key a new certificate (New-StellaCertificateRequest, then Set-StellaKeyCertificate), then 'stella attest resign <attestation-id>'";

    /// <param name="leaf">The end-entity certificate (the signing key's).</param>
    /// <param name="links">Certificates that came with the leaf (its stored or shipped chain); they are candidates, not anchors.</param>
    /// <param name="roots">Trust anchors: a chain is valid only if it ends at one of these.</param>
    /// <param name="intermediates">Intermediates from the trust store: candidates, not anchors.</param>
    /// <param name="at">The instant validity is judged at.</param>
    /// <param name="usageOid">The purpose the leaf must be issued for (<see cref="CertificateFacts.WhyNotSigner"/>).</param>
    public static CertificateChainResult Evaluate(X509Certificate2 leaf, IEnumerable<X509Certificate2> links,
        IEnumerable<X509Certificate2> roots, IEnumerable<X509Certificate2> intermediates, DateTimeOffset at,
        string usageOid = CertificateFacts.CodeSigningOid)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        var rootList = roots.ToList();
        var anchorIds = rootList.Select(CertificatePem.Fingerprint).ToHashSet(StringComparer.Ordinal);
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(rootList.ToArray());
        policy.ExtraStore.AddRange(intermediates.Concat(links).ToArray());
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = at.UtcDateTime;
        chain.Build(leaf);

        var elements = chain.ChainElements;
        var result = new List<CertificateLink>();
        for (var i = 0; i < elements.Count; i++)
        {
            var element = elements[i];
            var cert = element.Certificate;
            var last = i == elements.Count - 1;
            var fingerprint = CertificatePem.Fingerprint(cert);
            var anchored = anchorIds.Contains(fingerprint);
            var role = i == 0 && !(last && anchored) ? CertificateLinkRole.Leaf
                : last && (anchored || CertificateFacts.IsSelfIssued(cert)) ? CertificateLinkRole.Root
                : CertificateLinkRole.Intermediate;
            var (status, reason, fix) = Judge(cert, element, i == 0, role, anchored, at, usageOid);
            result.Add(Link(i, role, cert, at, status, reason, fix));
        }

        var top = elements[^1].Certificate;
        if (!anchorIds.Contains(CertificatePem.Fingerprint(top)) && !CertificateFacts.IsSelfIssued(top))
        {
            // The chain stops short: nobody has the certificate of the top link's issuer.
            var leafOnly = elements.Count == 1;
            result.Add(new CertificateLink
            {
                Position = elements.Count,
                Role = CertificateLinkRole.Missing,
                Subject = top.Issuer,
                Status = leafOnly ? CertificateLinkStatus.IntermediateMissing : CertificateLinkStatus.RootNotTrusted,
                Reason = leafOnly
                    ? $"intermediate missing: no certificate for the issuer '{top.Issuer}' of '{top.Subject}' is in the trust store"
                    : $"root not trusted: the chain ends at '{top.Subject}', whose issuer '{top.Issuer}' is not a trust anchor",
                Fix = leafOnly ? FixAddIntermediate : FixAddRoot,
            });
        }

        var valid = result.All(l => l.Passed) && result[^1].Status == CertificateLinkStatus.Trusted;
        var failed = result.FirstOrDefault(l => !l.Passed);
        var summary = failed is not null
            ? $"certificate chain invalid: {failed.Role.ToString().ToLowerInvariant()} '{failed.Subject}': {failed.Reason}"
            : valid ? $"certificate chain valid: '{leaf.Subject}' leads to the trust anchor '{result[^1].Subject}'"
            : "certificate chain invalid: it does not end at a trust anchor";
        return new CertificateChainResult([.. result], valid, summary);
    }

    private static (CertificateLinkStatus Status, string Reason, string Fix) Judge(X509Certificate2 cert, X509ChainElement element, bool isLeaf,
        CertificateLinkRole role, bool anchored, DateTimeOffset at, string usageOid)
    {
        var notBefore = CertificateFacts.NotBefore(cert);
        var notAfter = CertificateFacts.NotAfter(cert);
        var fixOfLink = isLeaf ? FixNewLeaf : role == CertificateLinkRole.Root ? FixAddRoot : FixAddIntermediate;
        if (element.ChainElementStatus.Any(s => s.Status.HasFlag(X509ChainStatusFlags.NotSignatureValid)))
            return (CertificateLinkStatus.BadSignature, "signature verification failed: its issuer's key did not sign it", fixOfLink);
        if (at > notAfter)
            return (CertificateLinkStatus.Expired, $"certificate expired on {notAfter:u}", fixOfLink);
        if (at < notBefore)
            return (CertificateLinkStatus.NotYetValid, $"certificate not valid before {notBefore:u}", fixOfLink);
        if (isLeaf && !anchored)
        {
            if (CertificateFacts.WhyNotSigner(cert, usageOid) is { } notSigner)
                return (CertificateLinkStatus.WrongKeyUsage, notSigner, FixNewLeaf);
        }
        else if (CertificateFacts.WhyNotCa(cert) is { } notCa)
        {
            return (CertificateFacts.IsCa(cert) ? CertificateLinkStatus.WrongKeyUsage : CertificateLinkStatus.NotCA, $"not a CA: {notCa}", fixOfLink);
        }
        if (anchored) return (CertificateLinkStatus.Trusted, "trust anchor in the trust store", "");
        if (role == CertificateLinkRole.Root)
            return (CertificateLinkStatus.RootNotTrusted, "root not trusted: this self-signed root is not a trust anchor", FixAddRoot);
        return (CertificateLinkStatus.Valid, $"valid until {notAfter:u}", "");
    }

    private static CertificateLink Link(int position, CertificateLinkRole role, X509Certificate2 cert, DateTimeOffset at,
        CertificateLinkStatus status, string reason, string fix)
    {
        var notAfter = CertificateFacts.NotAfter(cert);
        return new CertificateLink
        {
            Position = position,
            Role = role,
            Subject = cert.Subject,
            Issuer = cert.Issuer,
            SerialNumber = cert.SerialNumber.ToLowerInvariant(),
            Fingerprint = CertificatePem.Fingerprint(cert),
            NotBefore = CertificateFacts.NotBefore(cert),
            NotAfter = notAfter,
            DaysLeft = (int)Math.Floor((notAfter - at).TotalDays),
            Status = status,
            Reason = reason,
            Fix = fix,
        };
    }
}

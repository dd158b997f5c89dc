using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// Builds and judges a certificate chain from a leaf to a trust anchor, against the trust material's CA certificates
/// only (never the system's roots, no downloads, no revocation lookups), at a given time. Unlike a single
/// "chain invalid", it tells apart the runbook's causes: no anchor at all, a missing intermediate, an untrusted root,
/// a broken link, an expired or not yet valid link (each named), and a leaf not fit for the purpose.
/// </summary>
public sealed class CertificateChainVerifier
{
    public const string CodeSigningOid = "1.3.6.1.5.5.7.3.3";
    public const string TimeStampingOid = "1.3.6.1.5.5.7.3.8";

    private readonly X509Certificate2Collection _roots = [];
    private readonly X509Certificate2Collection _intermediates = [];
    private readonly Dictionary<string, TrustedCertificate> _byFingerprint = new(StringComparer.Ordinal);

    public CertificateChainVerifier(IEnumerable<TrustedCertificate> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        foreach (var c in certificates)
        {
            if (!_byFingerprint.TryAdd(c.Id, c)) continue;
            (c.Role == TrustedCertificateRole.Root ? _roots : _intermediates).Add(c.Certificate);
        }
    }

    public int RootCount => _roots.Count;

    /// <summary>The three chain checks (chain, validity at <paramref name="at"/>, usage) and the links, leaf first.</summary>
    public sealed record Outcome(VerificationCheckResult Chain, VerificationCheckResult Validity, VerificationCheckResult Usage, IReadOnlyList<CertificateLink> Links);

    /// <param name="leaf">The signing (or time-stamping) certificate.</param>
    /// <param name="carried">Other certificates the bundle or token carries (may include a root: it is only trusted if it is an anchor).</param>
    /// <param name="at">The signing time every link must be valid at.</param>
    /// <param name="usageOid">The extended key usage the leaf must allow (code signing, time stamping).</param>
    public Outcome Verify(X509Certificate2 leaf, IEnumerable<X509Certificate2> carried, DateTimeOffset at, string usageOid = CodeSigningOid)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        var usage = CheckUsage(leaf, usageOid);
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_roots);
        policy.ExtraStore.AddRange(_intermediates);
        foreach (var c in carried) if (!c.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span)) policy.ExtraStore.Add(c);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        // Time is judged per link below, so that an expired intermediate is named as such, not as a broken chain.
        policy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid;
        policy.VerificationTime = at.UtcDateTime;
        policy.VerificationTimeIgnored = false;

        bool built;
        try
        {
            built = chain.Build(leaf);
        }
        catch (CryptographicException e)
        {
            var broken = Fail(VerificationNames.CertificateChain, OpsErrorCode.CertificateChainInvalid, $"the chain could not be built: {e.Message}");
            return new Outcome(broken, Skip(VerificationNames.CertificateValidity, "no chain"), usage, []);
        }

        var elements = chain.ChainElements.Select(e => e.Certificate).ToList();
        var statuses = chain.ChainElements.Select(e => e.ChainElementStatus.Aggregate(X509ChainStatusFlags.NoError, (f, s) => f | s.Status)).ToList();
        var all = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (f, s) => f | s.Status);
        var top = elements[^1];
        var topIsAnchor = _roots.Any(r => r.RawDataMemory.Span.SequenceEqual(top.RawDataMemory.Span));
        var links = new List<CertificateLink>();
        for (var i = 0; i < elements.Count; i++)
        {
            var c = elements[i];
            links.Add(new CertificateLink
            {
                Index = i,
                Role = i == 0 ? "leaf" : IsSelfIssued(c) ? "root" : "intermediate",
                Subject = c.Subject,
                Issuer = c.Issuer,
                SerialNumber = c.SerialNumber,
                Fingerprint = Fingerprint(c),
                NotBefore = c.NotBefore.ToUniversalTime(),
                NotAfter = c.NotAfter.ToUniversalTime(),
                Source = i == 0 ? "signer" : _byFingerprint.TryGetValue(Fingerprint(c), out var t) ? t.Source : "bundle",
                Status = LinkStatus(c, statuses[i], at, i == elements.Count - 1 && topIsAnchor),
            });
        }
        var evidence = links.ToDictionary(l => $"link{l.Index}", l => $"{l.Role} {l.Subject} issued by {l.Issuer} ({l.Status})");

        VerificationCheckResult chainCheck;
        const X509ChainStatusFlags broke = X509ChainStatusFlags.NotSignatureValid | X509ChainStatusFlags.InvalidBasicConstraints
            | X509ChainStatusFlags.Cyclic | X509ChainStatusFlags.HasNotSupportedCriticalExtension | X509ChainStatusFlags.InvalidExtension
            | X509ChainStatusFlags.InvalidNameConstraints | X509ChainStatusFlags.InvalidPolicyConstraints | X509ChainStatusFlags.NotValidForUsage;
        if ((all & broke) != 0)
        {
            var bad = statuses.FindIndex(s => (s & broke) != 0);
            var which = bad < 0 ? "a link" : $"link {bad} ({elements[bad].Subject})";
            chainCheck = Fail(VerificationNames.CertificateChain, OpsErrorCode.CertificateChainInvalid,
                $"{which} does not verify: {Describe(bad < 0 ? all : statuses[bad])}", evidence);
        }
        else if (_roots.Count == 0)
        {
            chainCheck = Fail(VerificationNames.CertificateChain, OpsErrorCode.TrustAnchorNotFound,
                $"there is no CA root in the trust material, so '{top.Subject}' chains to no anchor", evidence);
        }
        else if (built || (all & ~(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested)) == X509ChainStatusFlags.NoError && topIsAnchor)
        {
            chainCheck = Pass(VerificationNames.CertificateChain,
                $"{elements.Count} link(s) from '{leaf.Subject}' to the trust anchor '{top.Subject}'", evidence);
        }
        else if (IsSelfIssued(top) && !topIsAnchor)
        {
            chainCheck = Fail(VerificationNames.CertificateChain, OpsErrorCode.CertificateChainRootNotTrusted,
                $"the chain ends at the root '{top.Subject}' ({Fingerprint(top)[..16]}…), which is not a trust anchor", evidence);
        }
        else if (elements.Count == 1)
        {
            chainCheck = Fail(VerificationNames.CertificateChain, OpsErrorCode.CertificateChainIntermediateMissing,
                $"the issuer of '{top.Subject}', '{top.Issuer}', is neither in the bundle nor in the trust store (intermediate missing)", evidence);
        }
        else
        {
            chainCheck = Fail(VerificationNames.CertificateChain, OpsErrorCode.CertificateChainRootNotTrusted,
                $"the chain reaches '{top.Subject}', whose issuer '{top.Issuer}' is not a trust anchor (root not trusted)", evidence);
        }

        return new Outcome(chainCheck, CheckValidity(elements, at), usage, links);
    }

    private static VerificationCheckResult CheckValidity(List<X509Certificate2> elements, DateTimeOffset at)
    {
        var evidence = new Dictionary<string, string> { ["at"] = at.ToString("O", CultureInfo.InvariantCulture) };
        for (var i = 0; i < elements.Count; i++)
        {
            var c = elements[i];
            evidence[$"link{i}"] = $"{c.Subject}: {c.NotBefore.ToUniversalTime():O} to {c.NotAfter.ToUniversalTime():O}";
        }
        for (var i = 0; i < elements.Count; i++)
        {
            var c = elements[i];
            var role = i == 0 ? "the signing certificate" : $"link {i}";
            if (at > c.NotAfter.ToUniversalTime())
                return Fail(VerificationNames.CertificateValidity, OpsErrorCode.CertificateExpired,
                    $"{role} '{c.Subject}' expired on {c.NotAfter.ToUniversalTime():O}, before the signing time {at:O}", evidence);
            if (at < c.NotBefore.ToUniversalTime())
                return Fail(VerificationNames.CertificateValidity, OpsErrorCode.CertificateNotYetValid,
                    $"{role} '{c.Subject}' is valid only from {c.NotBefore.ToUniversalTime():O}, after the signing time {at:O}", evidence);
        }
        return Pass(VerificationNames.CertificateValidity, $"every link was valid at the signing time {at:O}", evidence);
    }

    private static VerificationCheckResult CheckUsage(X509Certificate2 leaf, string usageOid)
    {
        var purpose = usageOid == CodeSigningOid ? "code signing" : usageOid == TimeStampingOid ? "time stamping" : usageOid;
        var evidence = new Dictionary<string, string>();
        var ku = leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        var bc = leaf.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        evidence["keyUsage"] = ku?.KeyUsages.ToString() ?? "(none)";
        evidence["extendedKeyUsage"] = eku is null ? "(none)" : string.Join(", ", eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.FriendlyName ?? o.Value));
        if (ku is not null && (ku.KeyUsages & X509KeyUsageFlags.DigitalSignature) == 0)
            return Fail(VerificationNames.CertificateUsage, OpsErrorCode.CertificateUsageInvalid,
                $"the key usage of '{leaf.Subject}' is {ku.KeyUsages}, without digitalSignature", evidence);
        if (eku is null || !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == usageOid))
            return Fail(VerificationNames.CertificateUsage, OpsErrorCode.CertificateUsageInvalid,
                $"'{leaf.Subject}' is not issued for {purpose}: its extended key usage is {evidence["extendedKeyUsage"]}", evidence);
        if (bc is { CertificateAuthority: true })
            return Fail(VerificationNames.CertificateUsage, OpsErrorCode.CertificateUsageInvalid,
                $"'{leaf.Subject}' is a CA certificate, not a signer's", evidence);
        return Pass(VerificationNames.CertificateUsage, $"issued for {purpose} (digitalSignature, {purpose} extended key usage)", evidence);
    }

    private static string LinkStatus(X509Certificate2 c, X509ChainStatusFlags flags, DateTimeOffset at, bool anchor)
    {
        if (at > c.NotAfter.ToUniversalTime()) return "expired";
        if (at < c.NotBefore.ToUniversalTime()) return "not yet valid";
        var problems = flags & ~(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot);
        if (problems != X509ChainStatusFlags.NoError) return Describe(problems);
        if (anchor) return "valid, trust anchor";
        if ((flags & X509ChainStatusFlags.UntrustedRoot) != 0) return "valid, not trusted";
        return "valid";
    }

    private static string Describe(X509ChainStatusFlags flags) => flags switch
    {
        _ when flags.HasFlag(X509ChainStatusFlags.NotSignatureValid) => "its signature does not verify with its issuer's key",
        _ when flags.HasFlag(X509ChainStatusFlags.InvalidBasicConstraints) => "its issuer is not a CA (basic constraints)",
        _ when flags.HasFlag(X509ChainStatusFlags.NotValidForUsage) => "not valid for this usage",
        _ => flags.ToString(),
    };

    public static bool IsSelfIssued(X509Certificate2 c) => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData);

    internal static string Fingerprint(X509Certificate2 c) => Convert.ToHexStringLower(SHA256.HashData(c.RawDataMemory.Span));

    internal static VerificationCheckResult Pass(string name, string reason, IReadOnlyDictionary<string, string>? evidence = null)
        => new() { Name = name, Status = VerificationCheckStatus.Pass, Reason = reason, Evidence = evidence ?? new Dictionary<string, string>() };

    internal static VerificationCheckResult Skip(string name, string reason, IReadOnlyDictionary<string, string>? evidence = null)
        => new() { Name = name, Status = VerificationCheckStatus.Skipped, Reason = reason, Evidence = evidence ?? new Dictionary<string, string>() };

    internal static VerificationCheckResult Fail(string name, OpsErrorCode cause, string reason, IReadOnlyDictionary<string, string>? evidence = null)
    {
        var c = VerificationCauses.Of(cause);
        return new()
        {
            Name = name, Status = VerificationCheckStatus.Fail, Reason = reason, Failure = cause, Cause = c.Words, Fix = c.Fix,
            Evidence = evidence ?? new Dictionary<string, string>(),
        };
    }
}

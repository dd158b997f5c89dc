using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Attestation.Certificates;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// The verifier's view of a certificate chain: the one chain builder (<see cref="CertificateChainEvaluator"/>, which
/// the trust cmdlets use too) run against the trust material's CA certificates only, its per-link verdicts turned into
/// the three checks a verification reports (chain to an anchor, validity at the signing time, fitness of the leaf).
/// Unlike a single "chain invalid", the checks tell apart the runbook's causes: no anchor at all, a missing
/// intermediate, an untrusted root, a broken link, an expired or not yet valid link (each named), and a leaf not fit
/// for the purpose.
/// </summary>
public sealed class CertificateChainVerifier
{
    public const string CodeSigningOid = CertificateFacts.CodeSigningOid;
    public const string TimeStampingOid = CertificateFacts.TimeStampingOid;

    private readonly List<X509Certificate2> _roots = [];
    private readonly List<X509Certificate2> _intermediates = [];
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

    /// <summary>The three chain checks (chain, validity at the signing time, usage) and the links, leaf first.</summary>
    public sealed record Outcome(VerificationCheckResult Chain, VerificationCheckResult Validity, VerificationCheckResult Usage, IReadOnlyList<CertificateLink> Links);

    /// <param name="leaf">The signing (or time-stamping) certificate.</param>
    /// <param name="carried">Other certificates the bundle or token carries (may include a root: it is only trusted if it is an anchor).</param>
    /// <param name="at">The signing time every link must be valid at.</param>
    /// <param name="usageOid">The extended key usage the leaf must allow (code signing, time stamping).</param>
    public Outcome Verify(X509Certificate2 leaf, IEnumerable<X509Certificate2> carried, DateTimeOffset at, string usageOid = CodeSigningOid)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        var usage = CheckUsage(leaf, usageOid);
        var others = carried.Where(c => !c.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span)).ToList();
        CertificateChainResult result;
        try
        {
            result = CertificateChainEvaluator.Evaluate(leaf, others, _roots, _intermediates, at, usageOid);
        }
        catch (CryptographicException e)
        {
            var broken = Fail(VerificationNames.CertificateChain, OpsErrorCode.CertificateChainInvalid, $"the chain could not be built: {e.Message}");
            return new Outcome(broken, Skip(VerificationNames.CertificateValidity, "no chain"), usage, []);
        }

        var links = result.Links.Select(l => l with { Source = SourceOf(l) }).ToList();
        var evidence = links.ToDictionary(l => $"link{l.Position}", l => $"{l.Role.ToString().ToLowerInvariant()} {l.Subject} issued by {l.Issuer} ({l.Status})");
        var present = links.Where(l => l.Role != CertificateLinkRole.Missing).ToList();
        var top = present[^1];
        var topIsAnchor = top.Fingerprint is { } f && _byFingerprint.TryGetValue(f, out var t) && t.Role == TrustedCertificateRole.Root;
        var broke = links.FirstOrDefault(l => l.Status is CertificateLinkStatus.BadSignature or CertificateLinkStatus.NotCA
            || (l.Role != CertificateLinkRole.Leaf && l.Status == CertificateLinkStatus.WrongKeyUsage));

        VerificationCheckResult chainCheck;
        if (broke is not null)
        {
            chainCheck = Fail(VerificationNames.CertificateChain, OpsErrorCode.CertificateChainInvalid,
                $"link {broke.Position} ({broke.Subject}) does not verify: {broke.Reason}", evidence);
        }
        else if (_roots.Count == 0)
        {
            chainCheck = Fail(VerificationNames.CertificateChain, OpsErrorCode.TrustAnchorNotFound,
                $"there is no CA root in the trust material, so '{top.Subject}' chains to no anchor", evidence);
        }
        else if (topIsAnchor)
        {
            chainCheck = Pass(VerificationNames.CertificateChain,
                $"{present.Count} link(s) from '{leaf.Subject}' to the trust anchor '{top.Subject}'", evidence);
        }
        else if (links[^1] is { Role: CertificateLinkRole.Missing, Status: CertificateLinkStatus.IntermediateMissing } missing)
        {
            chainCheck = Fail(VerificationNames.CertificateChain, OpsErrorCode.CertificateChainIntermediateMissing,
                $"the issuer of '{top.Subject}', '{missing.Subject}', is neither in the bundle nor in the trust store (intermediate missing)", evidence);
        }
        else if (top.Role == CertificateLinkRole.Root)
        {
            chainCheck = Fail(VerificationNames.CertificateChain, OpsErrorCode.CertificateChainRootNotTrusted,
                $"the chain ends at the root '{top.Subject}' ({top.Fingerprint?[..16]}…), which is not a trust anchor", evidence);
        }
        else
        {
            chainCheck = Fail(VerificationNames.CertificateChain, OpsErrorCode.CertificateChainRootNotTrusted,
                $"the chain reaches '{top.Subject}', whose issuer '{top.Issuer}' is not a trust anchor (root not trusted)", evidence);
        }

        return new Outcome(chainCheck, CheckValidity(present, at), usage, links);
    }

    private string SourceOf(CertificateLink link)
        => link.Role == CertificateLinkRole.Leaf ? "signer"
            : link.Role == CertificateLinkRole.Missing ? "nobody"
            : link.Fingerprint is { } f && _byFingerprint.TryGetValue(f, out var t) ? t.Source : "bundle";

    private static VerificationCheckResult CheckValidity(List<CertificateLink> links, DateTimeOffset at)
    {
        var evidence = new Dictionary<string, string> { ["at"] = at.ToString("O", CultureInfo.InvariantCulture) };
        foreach (var l in links) evidence[$"link{l.Position}"] = $"{l.Subject}: {l.NotBefore:O} to {l.NotAfter:O}";
        foreach (var l in links)
        {
            var role = l.Position == 0 ? "the signing certificate" : $"link {l.Position}";
            if (l.NotAfter is { } na && at > na)
                return Fail(VerificationNames.CertificateValidity, OpsErrorCode.CertificateExpired,
                    $"{role} '{l.Subject}' expired on {na:O}, before the signing time {at:O}", evidence);
            if (l.NotBefore is { } nb && at < nb)
                return Fail(VerificationNames.CertificateValidity, OpsErrorCode.CertificateNotYetValid,
                    $"{role} '{l.Subject}' is valid only from {nb:O}, after the signing time {at:O}", evidence);
        }
        return Pass(VerificationNames.CertificateValidity, $"every link was valid at the signing time {at:O}", evidence);
    }

    private static VerificationCheckResult CheckUsage(X509Certificate2 leaf, string usageOid)
    {
        var ku = leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        var evidence = new Dictionary<string, string>
        {
            ["keyUsage"] = ku?.KeyUsages.ToString() ?? "(none)",
            ["extendedKeyUsage"] = eku is null ? "(none)" : string.Join(", ", eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.FriendlyName ?? o.Value)),
        };
        var purpose = CertificateFacts.PurposeOf(usageOid);
        return CertificateFacts.WhyNotSigner(leaf, usageOid) is { } why
            ? Fail(VerificationNames.CertificateUsage, OpsErrorCode.CertificateUsageInvalid, $"'{leaf.Subject}' is not fit for {purpose}: {why}", evidence)
            : Pass(VerificationNames.CertificateUsage, $"issued for {purpose} (digitalSignature, {purpose} extended key usage)", evidence);
    }

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

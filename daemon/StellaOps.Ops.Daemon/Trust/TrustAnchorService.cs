using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Attestation.Certificates;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>
/// The trust store: CA roots (chains must end at one), intermediates (links) and bare public keys with a window.
/// Adding is idempotent; a root that is not a CA or has expired is refused with the reason; an intermediate that
/// chains to no anchor is kept with a warning, as its root may be added next.
/// </summary>
public sealed class TrustAnchorService(TrustAnchorStore store, TimeProvider time, ILogger<TrustAnchorService> logger)
{
    private readonly Lock _gate = new();
    private IReadOnlyList<TrustAnchorRecord>? _snapshot;
    private TrustAnchorMaterial? _material;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Every anchor, read once per change (verification reads this for every envelope).</summary>
    public IReadOnlyList<TrustAnchorRecord> Snapshot()
    {
        lock (_gate) return _snapshot ??= store.All();
    }

    /// <summary>The anchors as trust material (parsed once per change): key anchors with their windows, roots and intermediates.</summary>
    public TrustAnchorMaterial Material()
    {
        lock (_gate) return _material ??= TrustAnchorMaterial.From(_snapshot ??= store.All());
    }

    public TrustAnchorInfo[] List(TrustAnchorQuery query)
    {
        var now = Now;
        var id = query.Id?.Trim().ToLowerInvariant();
        return [.. Snapshot()
            .Where(a => query.Kind is null || a.Kind == query.Kind)
            .Where(a => string.IsNullOrEmpty(id) || a.Id.StartsWith(id, StringComparison.Ordinal))
            .Select(a => a.ToInfo(now))];
    }

    public IReadOnlyList<X509Certificate2> Certificates(TrustAnchorKind kind)
        => kind == TrustAnchorKind.Root ? Material().Roots : kind == TrustAnchorKind.Intermediate ? Material().Intermediates : [];

    public TrustAnchorInfo Add(TrustAnchorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Pem))
            throw Refused("No PEM was given.", null, "Pass the path of a PEM file (-Certificate, -Intermediate or -PublicKey).");
        if (request.Pem.Length > TrustAnchorRequest.MaxPemLength)
            throw new OpsException(OpsErrorCode.LimitExceeded, $"The PEM is {request.Pem.Length} characters; a trust anchor takes at most {TrustAnchorRequest.MaxPemLength}.", null, "Add one certificate or key per call.");
        var now = Now;
        var candidate = request.Kind == TrustAnchorKind.Key ? KeyAnchor(request, now) : CertificateAnchor(request, now);
        var warnings = new List<string>();
        if (request.Kind == TrustAnchorKind.Intermediate && ChainWarning(candidate) is { } w) warnings.Add(w);

        bool created;
        lock (_gate)
        {
            created = store.Insert(candidate);
            _snapshot = null;
            _material = null;
        }
        if (!created)
        {
            var existing = store.Find(candidate.Id)!;
            if (existing.Kind != candidate.Kind)
                warnings.Add($"It is already in the trust store as {Article(existing.Kind)}; remove it first (Remove-StellaTrustAnchor {existing.Id}) to add it as {Article(candidate.Kind)}.");
            else if (existing.Kind == TrustAnchorKind.Key && (existing.NotBefore != candidate.NotBefore || existing.NotAfter != candidate.NotAfter))
                warnings.Add($"The key is already trusted with the window {Window(existing)}; remove it first (Remove-StellaTrustAnchor {existing.Id}) to change the window.");
            return existing.ToInfo(now, created: false, [.. warnings]);
        }
        logger.LogInformation("Trust anchor added: {Kind} {Id} {Subject} by {Actor}", candidate.Kind, candidate.Id, candidate.Subject, candidate.AddedBy);
        return candidate.ToInfo(now, created: true, [.. warnings]);
    }

    public TrustAnchorInfo Remove(string idOrPrefix)
    {
        var anchor = Resolve(idOrPrefix);
        lock (_gate)
        {
            if (!store.Delete(anchor.Id))
                throw new OpsException(OpsErrorCode.TrustAnchorIdNotFound, $"There is no trust anchor '{idOrPrefix}'.", idOrPrefix, "List anchors with 'stella trust-anchors list' (Get-StellaTrustAnchor).");
            _snapshot = null;
            _material = null;
        }
        logger.LogWarning("Trust anchor removed: {Kind} {Id} {Subject} by {Actor}", anchor.Kind, anchor.Id, anchor.Subject, TrustActor.Current);
        return anchor.ToInfo(Now);
    }

    public TrustAnchorRecord Resolve(string idOrPrefix)
    {
        var id = idOrPrefix?.Trim().ToLowerInvariant() ?? "";
        if (id.Length == 0) throw OpsException.InvalidArgument("A trust anchor id is required.", null, "List anchors with 'stella trust-anchors list'.");
        if (store.Find(id) is { } exact) return exact;
        if (id.Length >= 8)
        {
            var hits = store.FindByPrefix(id);
            if (hits.Count == 1) return hits[0];
            if (hits.Count > 1) throw OpsException.InvalidArgument($"'{idOrPrefix}' matches more than one trust anchor; give more of the id.", idOrPrefix);
        }
        throw new OpsException(OpsErrorCode.TrustAnchorIdNotFound, $"There is no trust anchor '{idOrPrefix}'.", idOrPrefix, "List anchors with 'stella trust-anchors list' (Get-StellaTrustAnchor).");
    }

    private static TrustAnchorRecord KeyAnchor(TrustAnchorRequest request, DateTimeOffset now)
    {
        if (!PublicKeyPem.TryDecode(request.Pem, out var spki))
            throw Refused("The file holds no '-----BEGIN PUBLIC KEY-----' block.", null, "Export the key with 'stella keys show <key-id> --public' or 'openssl pkey -pubout'.");
        if (!KeyAlgorithms.TryDetect(spki, out var algorithm, out var error))
            throw Refused($"The public key cannot be trusted: {error}", null, $"Use one of: {string.Join(", ", KeyAlgorithmNames.All)}.");
        if (request.NotBefore is { } nb && request.Expires is { } na && na < nb)
            throw Refused($"The key's window ends ({na:u}) before it starts ({nb:u}).", null, "Give -Expires after -NotBefore.");
        return new TrustAnchorRecord
        {
            Id = KeyIds.FromSpki(spki),
            Kind = TrustAnchorKind.Key,
            Subject = $"public key {algorithm.ToName()}",
            Issuer = "",
            Algorithm = algorithm,
            Der = spki,
            NotBefore = request.NotBefore,
            NotAfter = request.Expires,
            AddedBy = TrustActor.Current,
            AddedAt = now,
        };
    }

    private static TrustAnchorRecord CertificateAnchor(TrustAnchorRequest request, DateTimeOffset now)
    {
        if (request.NotBefore is not null || request.Expires is not null)
            throw OpsException.InvalidArgument("-NotBefore and -Expires apply to a public key; a certificate carries its own validity.", null, "Leave them out, or add the key itself with -PublicKey.");
        IReadOnlyList<X509Certificate2> certs;
        try { certs = CertificatePem.ReadAll(request.Pem); }
        catch (FormatException ex) { throw Refused(ex.Message, null, "Give a PEM file with one '-----BEGIN CERTIFICATE-----' block."); }
        if (certs.Count != 1)
            throw Refused(certs.Count == 0 ? "The file holds no '-----BEGIN CERTIFICATE-----' block." : $"The file holds {certs.Count} certificates; a trust anchor is one.", null,
                "Add each certificate on its own: the root with -Certificate, each intermediate with -Intermediate.");
        var cert = certs[0];
        var id = CertificatePem.Fingerprint(cert);
        var what = request.Kind == TrustAnchorKind.Root ? "root" : "intermediate";
        if (CertificateFacts.WhyNotCa(cert) is { } notCa)
            throw Refused($"'{cert.Subject}' is not a CA certificate ({notCa}), so it cannot be a trusted {what}.", id,
                "Add the certificate of the CA that issued it instead; a signing key's own certificate goes in with Set-StellaKeyCertificate.");
        var notAfter = CertificateFacts.NotAfter(cert);
        if (request.Kind == TrustAnchorKind.Root && now > notAfter)
            throw Refused($"The root '{cert.Subject}' expired on {notAfter:u}; an expired root anchors nothing.", id, "Get the CA's renewed root certificate and add that.");
        return new TrustAnchorRecord
        {
            Id = id,
            Kind = request.Kind,
            Subject = cert.Subject,
            Issuer = cert.Issuer,
            SerialNumber = cert.SerialNumber.ToLowerInvariant(),
            Der = cert.RawData,
            NotBefore = CertificateFacts.NotBefore(cert),
            NotAfter = notAfter,
            AddedBy = TrustActor.Current,
            AddedAt = now,
        };
    }

    /// <summary>Why an intermediate does not yet lead to a root of the store, or null when it does.</summary>
    private string? ChainWarning(TrustAnchorRecord intermediate)
    {
        var cert = intermediate.Certificate();
        var result = CertificateChainEvaluator.Evaluate(cert, [], Certificates(TrustAnchorKind.Root), Certificates(TrustAnchorKind.Intermediate), Now);
        // The intermediate is the chain's first link here: only the links above it say whether it reaches a root.
        var above = result.Links.Skip(1).ToList();
        if (above.Count > 0 && above[^1].Status == CertificateLinkStatus.Trusted && above.All(l => l.Passed)) return null;
        var failed = above.FirstOrDefault(l => !l.Passed && l.Role != CertificateLinkRole.Missing);
        var why = failed is null ? $"its issuer '{cert.Issuer}' is not in the trust store" : $"'{failed.Subject}': {failed.Reason}";
        return $"Kept, but '{cert.Subject}' chains to no trust anchor yet ({why}): add its root with '{CertificateChainEvaluator.FixAddRoot}'.";
    }

    private static string Window(TrustAnchorRecord a) => $"[{a.NotBefore?.ToString("u") ?? "-∞"}, {a.NotAfter?.ToString("u") ?? "+∞"}]";

    private static string Article(TrustAnchorKind kind) => kind == TrustAnchorKind.Intermediate ? "an intermediate" : kind == TrustAnchorKind.Root ? "a root" : "a key";

    private static OpsException Refused(string message, string? target, string action) => new(OpsErrorCode.TrustAnchorRefused, message, target, action);
}

using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Contracts.Text;
using StellaOps.Ops.Daemon.Attestor;
using StellaOps.Ops.Daemon.Trust;

namespace StellaOps.Ops.Daemon.Verification;

/// <summary>
/// Verifies stored attestations and sent envelopes/bundles against every registered trust source, one verifier per
/// request (one snapshot of the trust material, each key imported once). Counts every verification and each failure by
/// cause, and logs each failure at error level so 'stella attest logs --filter "verification" --level error' finds it.
/// </summary>
public sealed class VerificationService
{
    public const string MeterName = "StellaOps.Ops.Verification";
    public const string VerificationsMetric = "attestor_verifications_total";
    public const string FailuresMetric = "attestor_verification_failures_total";

    private readonly AttestorService _attestor;
    private readonly AttestationStore _store;
    private readonly KeyCertificateService _certificates;
    private readonly IEnumerable<ITrustMaterial> _sources;
    private readonly VerificationStats _stats;
    private readonly TimeProvider _time;
    private readonly ILogger<VerificationService> _logger;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _verifications;
    private readonly Counter<long> _failures;
    private readonly IAttestationLogEvidence[] _logEvidence;

    public VerificationService(AttestorService attestor, AttestationStore store, KeyCertificateService certificates, IEnumerable<ITrustMaterial> sources, VerificationStats stats, TimeProvider time, ILogger<VerificationService> logger,
        IEnumerable<IAttestationLogEvidence>? logEvidence = null)
    {
        _logEvidence = [.. logEvidence ?? []];
        _attestor = attestor;
        _store = store;
        _certificates = certificates;
        _sources = sources;
        _stats = stats;
        _time = time;
        _logger = logger;
        _verifications = _meter.CreateCounter<long>(VerificationsMetric, description: "Attestations verified (stored ones and sent envelopes or bundles), whatever the outcome.");
        _failures = _meter.CreateCounter<long>(FailuresMetric, description: "Verifications that failed, by reason (the cause's stable id).");
    }

    /// <summary>Every trust source registered as <see cref="ITrustMaterial"/>, read as one.</summary>
    public ITrustMaterial Trust => new CompositeTrustMaterial(_sources);

    /// <param name="callerTrust">The caller's own trust for this request (its -TrustedKey/-TrustAnchor files), added to the daemon's.</param>
    public AttestationVerification[] Verify(VerificationRequest request, ITrustMaterial? callerTrust = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        return Verify(request, _attestor.FindAll(request.Ids), callerTrust);
    }

    /// <summary>As <see cref="Verify(VerificationRequest, ITrustMaterial?)"/>, with the rows of <paramref name="request"/>'s ids already read (in their order).</summary>
    public AttestationVerification[] Verify(VerificationRequest request, IReadOnlyList<AttestationRecord> stored, ITrustMaterial? callerTrust = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stored);
        Validate(request);
        var inputs = Collect(request, stored);
        using var verifier = new AttestationVerifier(callerTrust is null ? Trust : new CompositeTrustMaterial([.. _sources, callerTrust]),
            new AttestationVerifierOptions { TimeProvider = _time, LogEntryCheck = new StellaOps.Ops.Transparency.Verification.BundleLogEntryCheck() });
        var results = new AttestationVerification[inputs.Count];
        var failed = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var (input, source, id) = inputs[i];
            var result = verifier.Verify(input, source, request.Policy, id);
            results[i] = result;
            if (result.Verified) continue;
            failed++;
            _failures.Add(1, new KeyValuePair<string, object?>("reason", result.Failure?.ToString() ?? nameof(OpsErrorCode.VerificationFailed)));
            _logger.LogError("Attestation verification failed for {Source}: {Cause} ({Code}): {Reason}. Fix: {Fix}",
                TerminalText.Escape(source), result.Cause, result.Failure, TerminalText.Escape(result.Message), result.Fix);
        }
        _verifications.Add(inputs.Count);
        _stats.Record(inputs.Count, failed);
        return results;
    }

    /// <summary>The batch cap and what to verify, checked before anything is read.</summary>
    private static void Validate(VerificationRequest request)
    {
        var count = request.Ids.Count + request.Documents.Count + (request.Last ?? 0);
        if (count > Protocol.MaxBatchItems)
            throw new OpsException(OpsErrorCode.LimitExceeded, $"One verification call takes at most {Protocol.MaxBatchItems} attestations; this one asks for {count}.", "request",
                "Send them in smaller batches (Test-StellaAttestation does by itself).");
        if (request.Last is { } last && last < 1)
            throw OpsException.InvalidArgument($"Last must be at least 1 (got {last}).", "last");
        if (count == 0 && request.Subject is null)
            throw OpsException.InvalidArgument("Name what to verify: attestation ids, the last n, a subject digest, or envelopes/bundles.", "request",
                "Run 'stella verify attestation --attestation <attestation-id>' or 'stella verify attestation --last'.");
    }

    private List<(SignedAttestation Input, string Source, string? Id)> Collect(VerificationRequest request, IReadOnlyList<AttestationRecord> stored)
    {
        var inputs = new List<(SignedAttestation, string, string?)>();
        // Each key's certificate and chain is read once per request, not once per attestation it signed.
        var certificates = new Dictionary<string, IReadOnlyList<byte[]>?>(StringComparer.Ordinal);
        var rows = new List<AttestationRecord>(stored);
        if (request.Last is { } n) rows.AddRange(_store.List(AttestationStatus.Signed, null, null, null, null, n));
        if (request.Subject is { } subject)
        {
            var digest = subject.Trim().ToLowerInvariant();
            if (!digest.Contains(':', StringComparison.Ordinal))
                throw OpsException.InvalidArgument($"'{subject}' is not a digest; give it as sha256:<hex>.", "subject");
            rows.AddRange(_store.List(AttestationStatus.Signed, null, null, digest, null, Protocol.MaxBatchItems - rows.Count - request.Documents.Count));
        }
        // The log evidence of the whole batch in one read per source, not a connection per attestation.
        var evidence = _logEvidence.Select(e => e.OfMany([.. rows.Select(r => r.Id)])).ToArray();
        foreach (var row in rows) inputs.Add(FromRecord(row, certificates, evidence));
        for (var i = 0; i < request.Documents.Count; i++)
        {
            var document = request.Documents[i];
            var name = string.IsNullOrWhiteSpace(document.Name) ? $"documents[{i}]" : document.Name;
            if (Encoding.UTF8.GetByteCount(document.Content) > VerificationRequest.MaxDocumentBytes)
                throw new OpsException(OpsErrorCode.LimitExceeded, $"{name} is over {VerificationRequest.MaxDocumentBytes} bytes, the most one document may have.", name,
                    "Verify it offline: Test-StellaAttestation -Path <file> works without the daemon.");
            inputs.Add((SignedAttestation.Read(Encoding.UTF8.GetBytes(document.Content)), name, null));
        }
        return inputs;
    }

    /// <summary>
    /// A stored attestation as the verifier's input: its envelope, the daemon's signing time, and, when its key has a
    /// certificate (Set-StellaKeyCertificate), that certificate and its stored chain, so the chain, validity and usage
    /// checks judge it as they would a bundle's.
    /// </summary>
    private (SignedAttestation, string, string?) FromRecord(AttestationRecord row, Dictionary<string, IReadOnlyList<byte[]>?> certificates,
        IReadOnlyDictionary<string, (IReadOnlyList<JsonElement> Entries, IReadOnlyList<byte[]> Timestamps)>[] evidence)
    {
        if (row.SignedEnvelope() is not { } envelope)
        {
            return (SignedAttestation.Unreadable(SignedAttestation.DsseFormat,
                $"attestation {row.Id} is {row.Status.ToString().ToLowerInvariant()}, not signed: there is no envelope to verify; sign it with 'stella attest retry --failed'"), row.Id, row.Id);
        }
        IReadOnlyList<byte[]>? chain = null;
        if (row.KeyId is { } keyId && !certificates.TryGetValue(keyId, out chain))
            certificates[keyId] = chain = _certificates.Find(keyId) is { } certificate ? [.. new[] { certificate.Leaf }.Concat(certificate.Chain).Select(c => c.RawData)] : null;
        // The daemon's own verified log entries count as the bundle's would. Their stored RFC 3161 timestamps are not
        // given: the daemon's record is the better time for its own attestations (a v2 entry's log key is judged at it,
        // as when it was logged), and a timestamp authority the admin never made a trust anchor would fail the check.
        var entries = evidence.SelectMany(e => e[row.Id].Entries).ToList();
        var input = new SignedAttestation(envelope, SignedAttestation.DsseFormat, row.KeyId, chain, logEntries: entries.Count) { RecordedSigningTime = row.SignedAt, TlogEntries = entries };
        return (input, row.Id, row.Id);
    }
}

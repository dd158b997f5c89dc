using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography.Pkcs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Attestor;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Verification;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>
/// Drains the outbox: each queued attestation is submitted to the backends in failover order whose circuit lets it
/// through, until as many logs hold it as the signing config's selector requires (ANY one, EXACT count, ALL every
/// qualified log); logs that already hold a stored entry for it are skipped. Each answer (a new entry, or on v1's 409
/// the existing one) is verified offline — log known and its key valid then per the trusted root, body about this
/// envelope, SET, inclusion proof, signed checkpoint — before it is stored. The attestation becomes Logged only when
/// the selection is satisfied; short of that the entries so far are kept and it stays queued (backing off). An
/// answer that does not verify is rejected, counted and logged, and the next backend is tried. An attestation no log
/// was tried for (every circuit open) does not back off: the breakers pace those rounds, so when a log returns after
/// an outage the whole queue drains at once instead of waiting out minutes of per-row backoff. A restart re-submits
/// what was in flight: the log answers the existing entry, so each is stored once. A round reads what it needs of its
/// rows (attestations, keys, entries already held) in one pass each, and verifies with one
/// <see cref="LogVerificationCache"/>: each log key imported once, each checkpoint a log answered many entries with
/// verified once.
/// </summary>
public sealed class TransparencyDrain(
    TransparencyStore store, AttestationStore attestations, KeyStore keys, TransparencyBackends backends, TransparencySignal signal,
    TransparencyMetrics metrics, IOptions<TransparencyOptions> options, TimeProvider time, ILogger<TransparencyDrain> log) : BackgroundService
{
    private readonly TransparencyOptions _options = options.Value;
    private readonly LogVerificationCache _verification = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var drained = 0;
            try
            {
                drained = await DrainOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is OpsException or Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                log.LogError("The transparency-log drain round failed: {Message}; it is tried again", e.Message);
            }
            if (drained == 0)
            {
                try { await signal.WaitAsync(TimeSpan.FromMilliseconds(_options.PollMilliseconds), stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>One round: answers how many attestations became Logged.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken cancellationToken)
    {
        backends.Refresh();
        var snapshot = backends.Current;
        if (snapshot.Backends.Count == 0) return 0;
        var due = store.Due(Math.Max(1, _options.BatchSize), time.GetUtcNow());
        if (due.Count == 0) return 0;
        var records = attestations.FindMany(due.Select(d => d.AttestationId));
        var signers = due.Select(d => d.KeyId).Distinct(StringComparer.Ordinal).ToDictionary(id => id, keys.Find, StringComparer.Ordinal);
        var holdings = store.BackendsHolding(due);
        var logged = new ConcurrentBag<LoggedEntry>();
        var satisfied = new ConcurrentBag<string>();
        var failed = new ConcurrentBag<(string, string, string, bool, bool)>();
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism), CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                var (entries, failure) = await LogOneAsync(item, records.GetValueOrDefault(item.AttestationId), signers[item.KeyId], holdings[item.AttestationId], snapshot, ct).ConfigureAwait(false);
                foreach (var entry in entries) logged.Add(entry);
                if (failure is null) satisfied.Add(item.AttestationId);
                else failed.Add(failure.Value);
            }).ConfigureAwait(false);
        var now = time.GetUtcNow();
        store.Logged([.. logged], [.. satisfied], now);
        store.Failed([.. failed], now);
        return satisfied.Count;
    }

    /// <summary>The new verified entries of one attestation, and why its selection is not satisfied yet (null: it is).</summary>
    private async Task<(IReadOnlyList<LoggedEntry>, (string, string, string, bool, bool)?)> LogOneAsync(OutboxItem item, AttestationRecord? record, KeyRecord? key,
        IReadOnlySet<string> holding, TransparencyBackends.Snapshot snapshot, CancellationToken ct)
    {
        var envelope = record?.SignedEnvelope();
        if (record is null || envelope is null || envelope.Signatures.Count != 1 || key is null || record.Algorithm is not { } algorithm)
            return ([], (item.AttestationId, "-", $"the attestation, its signature or its key {item.KeyId} is not stored", false, true));
        var request = new LogSubmissionRequest(envelope, key.SubjectPublicKeyInfo, algorithm);
        var have = snapshot.Backends.Count(b => holding.Contains(b.Name));
        var entries = new List<LoggedEntry>();
        byte[]? token = null;
        DateTimeOffset? timestamped = null;
        var errors = new List<string>();
        var rejected = false;
        var tried = false;
        foreach (var backend in snapshot.Backends)
        {
            if (have + entries.Count >= snapshot.Required) break;
            if (holding.Contains(backend.Name)) continue;
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (backend.Service.MajorApiVersion == 2 && token is null && snapshot.Tsa is { } tsa)
                {
                    // Rekor v2 logs no time: the signing time comes from an RFC 3161 timestamp over the signature.
                    token = await tsa.TimestampAsync(envelope.Signatures[0].Signature, ct).ConfigureAwait(false);
                    if (Rfc3161TimestampToken.TryDecode(AttestationVerifier.TokenOf(token), out var tst, out _)) timestamped = tst!.TokenInfo.Timestamp;
                }
                var submission = await backend.Client.SubmitAsync(request, ct).ConfigureAwait(false);
                tried = true;
                var check = LogEntryVerifier.Verify(submission.Entry, envelope, key.SubjectPublicKeyInfo, snapshot.TrustedLogs, timestamped ?? record.SignedAt, time.GetUtcNow(), _verification);
                if (!check.Verified)
                {
                    rejected = true;
                    var reason = "rejected-" + check.Problem.ToString()!.ToLowerInvariant();
                    metrics.Failed(backend.Name, reason);
                    backend.Failed(check.Detail);
                    errors.Add($"{backend.Name}: the entry was rejected ({check.Problem}): {check.Detail}");
                    log.LogError("Transparency log {Backend} answered an entry for attestation {Id} that does not verify ({Problem}): {Detail}; it stays queued",
                        backend.Name, item.AttestationId, check.Problem, check.Detail);
                    continue;
                }
                metrics.Submitted(backend.Name, Stopwatch.GetElapsedTime(started));
                backend.Succeeded(time.GetUtcNow());
                entries.Add(new LoggedEntry(item.AttestationId, backend.Name, backend.Service.MajorApiVersion, submission.Entry, submission.Uuid,
                    backend.Service.MajorApiVersion == 2 ? token : null, item.KeyId, submission.AlreadyLogged));
            }
            catch (TransparencyLogException e)
            {
                tried |= e.Reason != LogFailureReason.CircuitOpen;
                var reason = e.Reason.ToString().ToLowerInvariant();
                metrics.Failed(backend.Name, reason);
                backend.Failed(e.Message);
                errors.Add(e.Message);
            }
            catch (HttpRequestException e)
            {
                tried = true;
                metrics.Failed(backend.Name, "unavailable");
                backend.Failed(e.Message);
                errors.Add($"{backend.Name}: {e.Message}");
            }
        }
        var held = have + entries.Count;
        if (held >= snapshot.Required) return (entries, null);
        var selection = snapshot.Selector.ToString().ToUpperInvariant();
        var shortBy = $"{held} of the {snapshot.Required} log(s) the signing config's {selection} selection requires hold it";
        return (entries, (item.AttestationId, snapshot.Backends[^1].Name, errors.Count == 0 ? shortBy : $"{shortBy}: {string.Join("; ", errors)}", rejected, tried));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography.Pkcs;
using System.Threading.Channels;
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
/// was tried for (every circuit open) does not back off: the breakers pace those, so when a log returns after an
/// outage the whole queue drains at once instead of waiting out minutes of per-row backoff. A restart re-submits
/// what was in flight: the log answers the existing entry, so each is stored once.
/// </summary>
/// <remarks>
/// Submissions flow continuously: at most <see cref="TransparencyOptions.Parallelism"/> at once, and at most
/// <see cref="TransparencyOptions.BatchSize"/> rows taken and not yet stored. Each outcome is stored as it completes,
/// together with whatever else completed meanwhile (one transaction per group), and its room is taken by the next
/// due row at once: one slow submission (a hung connection, up to its attempts' timeouts) holds up only its own row,
/// never the rows beside it. Rows are taken in groups: each group's attestations, keys and entries already held are
/// read in one pass each, and every submission verifies with one <see cref="LogVerificationCache"/> (each log key
/// imported once, each checkpoint a log answered many entries with verified once).
/// </remarks>
public sealed class TransparencyDrain(
    TransparencyStore store, AttestationStore attestations, KeyStore keys, TransparencyBackends backends, TransparencySignal signal,
    TransparencyMetrics metrics, IOptions<TransparencyOptions> options, TimeProvider time, ILogger<TransparencyDrain> log) : BackgroundService
{
    /// <summary>Outcomes stored in one transaction at most.</summary>
    private const int MaxGroup = 256;

    private readonly TransparencyOptions _options = options.Value;
    private readonly LogVerificationCache _verification = new();
    // Rows taken and not yet stored: never taken again meanwhile.
    private readonly ConcurrentDictionary<string, byte> _taken = new(StringComparer.Ordinal);
    private readonly Channel<Outcome> _outcomes = Channel.CreateUnbounded<Outcome>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>What one submission came to: the new verified entries, and why the selection is not satisfied yet (null: it is).</summary>
    private sealed record Outcome(string AttestationId, IReadOnlyList<LoggedEntry> Entries, (string, string, string, bool Rejected, bool Tried)? Failure);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, _options.Parallelism));
        var running = new List<Task>();
        var storing = Task.Run(StoreOutcomesAsync, CancellationToken.None);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var more = false;
                try
                {
                    running.RemoveAll(t => t.IsCompleted);
                    more = Take(slots, running, stoppingToken);
                }
                catch (Exception e) when (e is OpsException or Microsoft.Data.Sqlite.SqliteException or IOException)
                {
                    log.LogError("The transparency-log drain could not take queued attestations: {Message}; it tries again", e.Message);
                }
                if (more) continue;
                // Every due row is taken (or there is no room): wait for news (a row queued, an outcome that changed the
                // outbox) or the poll.
                try { await signal.WaitAsync(TimeSpan.FromMilliseconds(_options.PollMilliseconds), stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
        }
        finally
        {
            // Submissions still running are cancelled with the token: their rows stay queued. What completed is stored.
            try { await Task.WhenAll(running).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            _outcomes.Writer.TryComplete();
            await storing.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes the due rows there is room for and starts their submissions; answers whether it filled the room (more
    /// rows may be due), so the caller takes again at once rather than wait.
    /// </summary>
    private bool Take(SemaphoreSlim slots, List<Task> running, CancellationToken cancellationToken)
    {
        var room = Math.Max(1, _options.BatchSize) - _taken.Count;
        if (room <= 0) return false;
        backends.Refresh();
        var snapshot = backends.Current;
        if (snapshot.Backends.Count == 0) return false;
        var due = store.Due(room + _taken.Count, time.GetUtcNow()).Where(d => !_taken.ContainsKey(d.AttestationId)).Take(room).ToList();
        if (due.Count == 0) return false;
        var records = attestations.FindMany(due.Select(d => d.AttestationId));
        var signers = due.Select(d => d.KeyId).Distinct(StringComparer.Ordinal).ToDictionary(id => id, keys.Find, StringComparer.Ordinal);
        var holdings = store.BackendsHolding(due);
        foreach (var item in due)
        {
            _taken[item.AttestationId] = 0;
            running.Add(SubmitAsync(item, records.GetValueOrDefault(item.AttestationId), signers[item.KeyId], holdings[item.AttestationId], snapshot, slots, cancellationToken));
        }
        return due.Count == room;
    }

    private async Task SubmitAsync(OutboxItem item, AttestationRecord? record, KeyRecord? key, IReadOnlySet<string> holding,
        TransparencyBackends.Snapshot snapshot, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var slot = false;
        try
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            slot = true;
            var (entries, failure) = await LogOneAsync(item, record, key, holding, snapshot, cancellationToken).ConfigureAwait(false);
            _outcomes.Writer.TryWrite(new Outcome(item.AttestationId, entries, failure));
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the row stays queued and the next start submits it again.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogError("Submitting attestation {Id} to the transparency log failed unexpectedly ({Error}); it stays queued", item.AttestationId, e.GetType().Name);
        }
        finally
        {
            if (slot) slots.Release();
        }
        _taken.TryRemove(item.AttestationId, out _);
    }

    // Stores outcomes as they complete, each group (what completed meanwhile) in one transaction, then frees their rows.
    private async Task StoreOutcomesAsync()
    {
        var reader = _outcomes.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var group = new List<Outcome>();
            while (group.Count < MaxGroup && reader.TryRead(out var outcome)) group.Add(outcome);
            var satisfied = group.Where(o => o.Failure is null).Select(o => o.AttestationId).ToList();
            var failed = group.Where(o => o.Failure is not null).Select(o => o.Failure!.Value).ToList();
            try
            {
                var now = time.GetUtcNow();
                store.Logged([.. group.SelectMany(o => o.Entries)], satisfied, now);
                store.Failed(failed, now);
            }
            catch (Exception e) when (e is OpsException or Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                log.LogError("The transparency-log drain could not store {Count} outcome(s): {Message}; those attestations stay queued and are submitted again", group.Count, e.Message);
            }
            finally
            {
                foreach (var o in group) _taken.TryRemove(o.AttestationId, out _);
            }
            // News for the taker when the outbox changed: a row Logged, or one that was tried and now backs off. Rows
            // no log was tried for (every circuit open) are due again at once, and wait for the poll instead.
            if (satisfied.Count > 0 || failed.Any(f => f.Tried)) signal.Wake();
        }
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

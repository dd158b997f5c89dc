using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>
/// The attestor: records evidence (an in-toto statement) durably, then signs it as a DSSE envelope with the
/// attestation signing key. Signing failures never lose evidence: the row stays, Failed, with its reason, and
/// <see cref="RetryAsync"/> signs it once the cause is fixed.
/// </summary>
public sealed class AttestorService : IDisposable
{
    public const string MeterName = "StellaOps.Ops.Attestor";
    public const string FailuresMetric = "attestor_signing_failures_total";

    private readonly AttestationStore _store;
    private readonly KeyService _keys;
    private readonly TimeProvider _time;
    private readonly ILogger<AttestorService> _logger;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _failures;
    private readonly Counter<long> _signed;
    private long _failuresTotal;

    public AttestorService(AttestationStore store, KeyService keys, TimeProvider time, ILogger<AttestorService> logger)
    {
        _store = store;
        _keys = keys;
        _time = time;
        _logger = logger;
        _failures = _meter.CreateCounter<long>(FailuresMetric, description: "Attestations whose signing failed (each attempt), by reason (error code).");
        _signed = _meter.CreateCounter<long>("attestor_signatures_total", description: "Attestations signed (including re-signings).");
    }

    /// <summary>This process's claim on rows it is signing; a row claimed by another id was left by an earlier process.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public long SigningFailuresTotal => Interlocked.Read(ref _failuresTotal);

    public AttestationStore Store => _store;

    // Stored as Unix milliseconds: what is returned must equal what is read back later.
    private DateTimeOffset Now => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());

    private static string Actor => CallerContext.Current?.ToString() ?? "daemon";

    /// <summary>Releases rows a killed process left claimed, so they are retryable. Called once at start.</summary>
    public void RecoverInterrupted()
    {
        var pending = _store.ReleaseOrphans(InstanceId, _time.GetUtcNow());
        if (pending > 0)
            _logger.LogWarning("{Count} attestation(s) were recorded but left unsigned by an earlier run of the daemon; sign them with '{Retry}'",
                pending, "stella attest retry --failed");
    }

    public async Task<AttestationResult[]> CreateAsync(AttestationRequest[] requests, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        if (requests is null) throw OpsException.InvalidArgument("No attestation requests were given.", "requests");
        var results = new AttestationResult?[requests.Length];
        var batch = new List<(int Index, AttestationStore.NewAttestation Item)>();
        var now = Now;
        var actor = Actor;
        for (var i = 0; i < requests.Length; i++)
        {
            try { batch.Add((i, new AttestationStore.NewAttestation(StatementBuilder.Build(requests[i], now, actor), requests[i].Force))); }
            catch (OpsException ex) { results[i] = new AttestationResult { Error = OpsError.From(ex) }; }
        }

        // Evidence first: the whole batch is committed (synchronous=FULL) before anything is signed.
        // An earlier attestation of the subject that is not signed comes back claimed: asking again is a retry, signed now.
        var recorded = batch.Count == 0 ? [] : _store.Insert([.. batch.Select(b => b.Item)], InstanceId, actor);
        var toSign = new List<AttestationRecord>();
        for (var j = 0; j < batch.Count; j++)
        {
            var (record, how) = recorded[j];
            if (how == AttestationStore.Recorded.Existing) results[batch[j].Index] = new AttestationResult { Attestation = record.ToInfo(), Existing = true };
            else toSign.Add(record);
        }

        var signed = await SignAsync(toSign, progress, cancellationToken).ConfigureAwait(false);
        for (var j = 0; j < batch.Count; j++)
            if (results[batch[j].Index] is null) results[batch[j].Index] = signed[recorded[j].Record.Id];
        return [.. results.Select(r => r!)];
    }

    public async Task<AttestationResult[]> RetryAsync(AttestationRetryRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        if (request is null) throw OpsException.InvalidArgument("No retry request was given.", "request");
        if (!request.Failed && request.Ids.Count == 0)
            throw OpsException.InvalidArgument("Say what to sign again: -Failed (all failed and interrupted ones) or -Id <attestation-id>.", "request",
                $"Run '{SigningKeyCheck.RetryCommand}', or 'stella attest resign <attestation-id>'.");
        var results = new List<AttestationResult>();
        var claimed = new List<AttestationRecord>();
        if (request.Ids.Count > 0)
        {
            var ids = request.Ids.Select(id => ResolveId(id)).ToList();
            var (taken, skipped) = _store.ClaimIds(ids, request.Resign, InstanceId);
            claimed.AddRange(taken);
            results.AddRange(skipped.Select(s => new AttestationResult
            {
                Attestation = s.Record.ToInfo(),
                Error = new OpsError
                {
                    Code = OpsErrorCode.Conflict,
                    Message = s.Reason,
                    Target = s.Record.Id,
                    RecommendedAction = s.Record.Status == AttestationStatus.Signed ? $"To sign it again with the current key: 'stella attest resign {s.Record.Id}'." : "Wait for it to finish, then look at it with 'stella attest show'.",
                },
            }));
        }
        if (request.Failed)
        {
            var since = request.Since ?? (request.Last is { } last ? _time.GetUtcNow() - last.Value : null);
            claimed.AddRange(_store.ClaimRetryable(since, InstanceId, request.AfterId));
        }
        var resign = claimed.Where(r => r.Status == AttestationStatus.Signed).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var outcomes = await SignAsync(claimed, progress, cancellationToken, resign).ConfigureAwait(false);
        results.AddRange(claimed.Select(r => outcomes[r.Id]));
        return [.. results];
    }

    /// <summary>
    /// Signs claimed rows concurrently and writes every outcome in one transaction. On cancellation the claims are
    /// released (the rows stay retryable) and the cancellation propagates.
    /// </summary>
    private async Task<Dictionary<string, AttestationResult>> SignAsync(IReadOnlyList<AttestationRecord> rows, IProgress<OperationProgress>? progress,
        CancellationToken cancellationToken, IReadOnlySet<string>? resignIds = null)
    {
        var results = new Dictionary<string, AttestationResult>(StringComparer.Ordinal);
        if (rows.Count == 0) return results;
        var actor = Actor;
        var outcomes = new SigningOutcome?[rows.Count];
        var (key, problem) = SigningKeyCheck.Resolve(_keys);
        var signer = key is null ? null : new KeyServiceSigner(_keys, key);
        var done = 0;
        try
        {
            // Chunks like signing.Sign: one HSM call (one session lease) per chunk, as many chunks at once as the key
            // can usefully sign in parallel.
            var parallelism = key is null ? 1 : _keys.SigningParallelism(key);
            var size = Math.Clamp((rows.Count + parallelism - 1) / parallelism, 1, MaxChunk);
            await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count).Chunk(size), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (chunk, ct) =>
                {
                    var signed = await SignChunkAsync([.. chunk.Select(i => rows[i])], signer, problem, resignIds, ct).ConfigureAwait(false);
                    for (var j = 0; j < chunk.Length; j++) outcomes[chunk[j]] = signed[j];
                    var n = Interlocked.Add(ref done, chunk.Length);
                    if (progress is not null)
                        progress.Report(new OperationProgress { Activity = "Signing attestations", Status = $"{n} of {rows.Count}", PercentComplete = 100 * n / rows.Count });
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // What was signed is kept; the rest is released and stays retryable.
            var finished = outcomes.Where(o => o is not null).Select(o => o!).ToList();
            _store.Complete(finished, InstanceId, actor, _time.GetUtcNow());
            _store.Release([.. rows.Where((_, i) => outcomes[i] is null).Select(r => r.Id)], InstanceId, "the request was cancelled before it was signed", actor, _time.GetUtcNow());
            throw;
        }

        var now = Now;
        _store.Complete([.. outcomes.Select(o => o!)], InstanceId, actor, now);
        Account(rows, outcomes!);
        for (var i = 0; i < rows.Count; i++)
        {
            var (row, o) = (rows[i], outcomes[i]!);
            if (o.Error is null)
            {
                var after = row with { Status = AttestationStatus.Signed, Envelope = o.Envelope, KeyId = o.KeyId, Algorithm = o.Algorithm, SignedAt = now, Attempts = row.Attempts + 1, LastAttemptAt = now, FailureCode = null, FailureReason = null };
                results[row.Id] = new AttestationResult { Attestation = after.ToInfo() };
            }
            else if (o.Resign)
            {
                // The old signature stands: the attestation stays Signed with no failure stamped on it.
                var after = row with { Attempts = row.Attempts + 1, LastAttemptAt = now };
                results[row.Id] = new AttestationResult { Attestation = after.ToInfo(), Error = SigningKeyCheck.NotResigned(row, o.Error) };
            }
            else
            {
                var after = row with { Status = AttestationStatus.Failed, Attempts = row.Attempts + 1, LastAttemptAt = now, FailureCode = o.Error.Code.ToString(), FailureReason = o.Error.Message };
                results[row.Id] = new AttestationResult { Attestation = after.ToInfo(), Error = SigningKeyCheck.Unsigned(row.Id, o.Error) };
            }
        }
        return results;
    }

    /// <summary>Envelopes of at most this many attestations per HSM call: one call stays far inside hsm.session.timeout.</summary>
    private const int MaxChunk = 64;

    private static async Task<SigningOutcome[]> SignChunkAsync(AttestationRecord[] rows, KeyServiceSigner? signer, OpsException? problem, IReadOnlySet<string>? resignIds, CancellationToken ct)
    {
        SigningOutcome[] All(OpsException error) => [.. rows.Select(r => new SigningOutcome(r.Id, null, signer?.KeyId, signer?.Algorithm, error, resignIds?.Contains(r.Id) ?? false))];
        if (signer is null || problem is not null) return All(problem!);
        try
        {
            var envelopes = await DsseEnvelopeBuilder.SignManyAsync(DsseEnvelope.InTotoPayloadType, [.. rows.Select(r => (ReadOnlyMemory<byte>)r.Statement)], signer, ct).ConfigureAwait(false);
            return [.. rows.Select((r, i) => new SigningOutcome(r.Id, envelopes[i].ToJsonBytes(), signer.KeyId, signer.Algorithm, null, resignIds?.Contains(r.Id) ?? false))];
        }
        catch (OpsException ex)
        {
            return All(ex);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever broke, the evidence is kept and the daemon goes on; the reason is recorded for the operator.
            return All(new OpsException(OpsErrorCode.SigningFailed, $"signing raised {ex.GetType().Name}: {ex.Message}", null, "See 'stella attest logs --level error --last 30m'."));
        }
    }

    // Metrics and one log line per distinct failure reason in the batch (not one per attestation).
    private void Account(IReadOnlyList<AttestationRecord> rows, SigningOutcome[] outcomes)
    {
        var ok = outcomes.Count(o => o.Error is null);
        if (ok > 0) _signed.Add(ok);
        foreach (var group in outcomes.Where(o => o.Error is not null).GroupBy(o => (o.Error!.Code, o.Error.Message, o.Resign)))
        {
            var count = group.Count();
            _failures.Add(count, new KeyValuePair<string, object?>("reason", group.Key.Code.ToString()));
            Interlocked.Add(ref _failuresTotal, count);
            var ids = group.Select(o => o.Id).ToList();
            var list = string.Join(", ", ids.Take(5)) + (ids.Count > 5 ? ", …" : "");
            if (group.Key.Resign)
                _logger.LogError("Re-signing failed for {Count} attestation(s) ({Ids}): {Code}: {Reason}. Their previous signatures stand; re-sign with 'stella attest resign <attestation-id>' once the cause is fixed",
                    count, list, group.Key.Code, group.Key.Message);
            else
                _logger.LogError("Signing failed for {Count} attestation(s) ({Ids}): {Code}: {Reason}. The evidence is recorded; sign it with '{Retry}' once the cause is fixed",
                    count, list, group.Key.Code, group.Key.Message, SigningKeyCheck.RetryCommand);
        }
    }

    public IReadOnlyList<AttestationInfo> List(AttestationQuery query)
    {
        query ??= new AttestationQuery();
        var limit = query.Limit ?? 1000;
        if (limit < 1) throw OpsException.InvalidArgument($"Limit must be at least 1 (got {limit}).", "limit");
        if (query.Id is { Length: > 0 } id) return [Get(id, details: false)];
        var since = query.Since;
        if (query.Last is { } last)
        {
            var from = _time.GetUtcNow() - last.Value;
            since = since is null || from > since ? from : since;
        }
        var predicateType = query.Type is { Length: > 0 } t ? PredicateTypes.Resolve(t) : null;
        string? digest = null, exactName = null;
        Func<AttestationRecord, bool>? accept = null;
        if (query.Subject is { Length: > 0 } subject)
        {
            var s = subject.Trim();
            if (LooksLikeDigest(s)) digest = s.ToLowerInvariant();
            else
            {
                var matcher = new Contracts.Text.WildcardMatcher(s);
                if (matcher.HasWildcards) accept = r => r.Subjects.Any(x => matcher.IsMatch(x.Name));
                else exactName = s;
            }
        }
        return [.. _store.List(query.Status, since, predicateType, digest, exactName, limit, accept).Select(r => r.ToInfo())];
    }

    public AttestationInfo Get(string id, bool details = true)
    {
        var row = _store.Find(ResolveId(id))!;
        return row.ToInfo(details, details ? _store.History(row.Id) : null);
    }

    /// <summary>An exact id, or a unique prefix of at least 8 characters.</summary>
    public string ResolveId(string idOrPrefix)
    {
        var id = idOrPrefix?.Trim().ToLowerInvariant() ?? "";
        if (id.Length == 0) throw OpsException.InvalidArgument("An attestation id is required.", "id", "List attestations with 'stella attest show --last' (Get-StellaAttestation -Last 1h).");
        if (_store.Find(id) is not null) return id;
        if (id.Length >= 8)
        {
            var hits = _store.IdsByPrefix(id, 2);
            if (hits.Count == 1) return hits[0];
            if (hits.Count > 1) throw OpsException.InvalidArgument($"'{idOrPrefix}' matches more than one attestation; give more of the id.", idOrPrefix);
        }
        throw new OpsException(OpsErrorCode.AttestationNotFound, $"There is no attestation '{idOrPrefix}'.", idOrPrefix,
            "List recent ones with Get-StellaAttestation -Last 1h (stella attest show --last).");
    }


    private static bool LooksLikeDigest(string s)
    {
        var colon = s.IndexOf(':');
        return colon > 0 && DigestAlgorithms.HexLength(s[..colon].ToLowerInvariant()) is { } n && s.Length - colon - 1 == n;
    }

    public void Dispose() => _meter.Dispose();
}

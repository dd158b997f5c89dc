using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Signing;

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

    /// <summary>The attestor's tag on the batch signer's metrics.</summary>
    public const string Entry = "attestor";

    private readonly AttestationStore _store;
    private readonly BatchSigner _signer;
    private readonly SigningKeySelection _selection;
    private readonly TimeProvider _time;
    private readonly ILogger<AttestorService> _logger;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _failures;
    private readonly Counter<long> _signed;
    private long _failuresTotal;

    public AttestorService(AttestationStore store, BatchSigner signer, SigningKeySelection selection, TimeProvider time, ILogger<AttestorService> logger)
    {
        _store = store;
        _signer = signer;
        _selection = selection;
        _time = time;
        _logger = logger;
        _failures = _meter.CreateCounter<long>(FailuresMetric, description: "Attestations whose signing failed (each attempt), by reason (error code).");
        _signed = _meter.CreateCounter<long>("attestor_signatures_total", description: "Attestations signed (including re-signings).");
    }

    /// <summary>This process's claim on rows it is signing; a row claimed by another id was left by an earlier process.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public long SigningFailuresTotal => Interlocked.Read(ref _failuresTotal);

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
                $"Run '{SigningAdvice.RetryCommand}', or 'stella attest resign <attestation-id>'.");
        // By id: one answer per id given, in the order given (the module's request pipeline pairs them up); an id that
        // names no attestation is that answer's error, not the call's.
        var byId = new AttestationResult?[request.Ids.Count];
        var resolved = new string?[request.Ids.Count];
        var claimed = new List<AttestationRecord>();
        var skipped = new Dictionary<string, AttestationResult>(StringComparer.Ordinal);
        if (request.Ids.Count > 0)
        {
            for (var i = 0; i < request.Ids.Count; i++)
            {
                try
                {
                    resolved[i] = ResolveId(request.Ids[i]);
                }
                catch (OpsException e) when (e.Code is OpsErrorCode.AttestationNotFound or OpsErrorCode.InvalidArgument)
                {
                    byId[i] = new AttestationResult { Error = OpsError.From(e) };
                }
            }
            var (taken, notTaken) = _store.ClaimIds([.. resolved.OfType<string>()], request.Resign, InstanceId);
            claimed.AddRange(taken);
            foreach (var s in notTaken)
            {
                skipped[s.Record.Id] = new AttestationResult
                {
                    Attestation = s.Record.ToInfo(),
                    Error = new OpsError
                    {
                        Code = OpsErrorCode.Conflict,
                        Message = s.Reason,
                        Target = s.Record.Id,
                        RecommendedAction = s.Record.Status == AttestationStatus.Signed ? $"To sign it again with the current key: 'stella attest resign {s.Record.Id}'." : "Wait for it to finish, then look at it with 'stella attest show'.",
                    },
                };
            }
        }
        var byIdCount = claimed.Count;
        if (request.Failed)
        {
            var since = request.Since ?? (request.Last is { } last ? _time.GetUtcNow() - last.Value : null);
            claimed.AddRange(_store.ClaimRetryable(since, InstanceId, request.AfterId));
        }
        var resign = claimed.Where(r => r.Status is AttestationStatus.Signed or AttestationStatus.Logged).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var outcomes = await SignAsync(claimed, progress, cancellationToken, resign).ConfigureAwait(false);
        var results = new List<AttestationResult>(request.Ids.Count + claimed.Count - byIdCount);
        for (var i = 0; i < request.Ids.Count; i++)
            results.Add(byId[i] ?? skipped.GetValueOrDefault(resolved[i]!) ?? outcomes[resolved[i]!]);
        results.AddRange(claimed.Skip(byIdCount).Select(r => outcomes[r.Id]));
        return [.. results];
    }

    /// <summary>
    /// Signs claimed rows through the one <see cref="BatchSigner"/> (chunked and in parallel as signing.Sign is) and
    /// writes every outcome in one transaction: a signature (the envelope is the stored statement with it), or the
    /// failure with its code and advice. On cancellation what was signed is kept, the rest released (still
    /// retryable), and the cancellation propagates.
    /// </summary>
    private async Task<Dictionary<string, AttestationResult>> SignAsync(IReadOnlyList<AttestationRecord> rows, IProgress<OperationProgress>? progress,
        CancellationToken cancellationToken, IReadOnlySet<string>? resignIds = null)
    {
        var results = new Dictionary<string, AttestationResult>(StringComparer.Ordinal);
        if (rows.Count == 0) return results;
        var actor = Actor;
        var outputs = new SignOutput?[rows.Count];
        var (key, problem) = _selection.Check();
        if (key is null || problem is not null)
        {
            Array.Fill(outputs, SignOutput.Failed(problem!));
        }
        else
        {
            var items = new (KeyRecord, SignInput)[rows.Count];
            for (var i = 0; i < rows.Count; i++) items[i] = (key, SignInput.Message(DssePae.Encode(DsseEnvelope.InTotoPayloadType, rows[i].Statement)));
            var done = 0;
            void Signed(int n)
            {
                var total = Interlocked.Add(ref done, n);
                progress!.Report(new OperationProgress { Activity = "Signing attestations", Status = $"{total} of {rows.Count}", PercentComplete = 100 * total / rows.Count });
            }
            try
            {
                await _signer.SignAsync(Entry, items, outputs, progress is null ? null : Signed, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // What was signed is kept; the rest is released and stays retryable.
                var finished = rows.Select((r, i) => (Row: r, Output: outputs[i])).Where(x => x.Output is not null).Select(x => Outcome(x.Row, x.Output!, key, resignIds)).ToList();
                _store.Complete(finished, InstanceId, actor, _time.GetUtcNow());
                _store.Release([.. rows.Where((_, i) => outputs[i] is null).Select(r => r.Id)], InstanceId, "the request was cancelled before it was signed", actor, _time.GetUtcNow());
                throw;
            }
        }

        var now = Now;
        var outcomes = rows.Select((r, i) => Outcome(r, outputs[i]!, key, resignIds)).ToArray();
        _store.Complete(outcomes, InstanceId, actor, now);
        Account(outcomes);
        for (var i = 0; i < rows.Count; i++)
        {
            var (row, o, cause) = (rows[i], outcomes[i], outputs[i]!.Error);
            if (o.Error is null)
            {
                var after = row with { Status = AttestationStatus.Signed, Signature = o.Signature, LegacyEnvelope = null, KeyId = o.KeyId, Algorithm = o.Algorithm, SignedAt = now, Attempts = row.Attempts + 1, LastAttemptAt = now, FailureCode = null, FailureReason = null, FailureAction = null };
                results[row.Id] = new AttestationResult { Attestation = after.ToInfo() };
            }
            else if (o.Resign)
            {
                // The old signature stands: the attestation stays Signed with no failure stamped on it.
                var after = row with { Attempts = row.Attempts + 1, LastAttemptAt = now };
                results[row.Id] = new AttestationResult { Attestation = after.ToInfo(), Error = SigningAdvice.NotResigned(row, cause!) };
            }
            else
            {
                var after = row with { Status = AttestationStatus.Failed, Attempts = row.Attempts + 1, LastAttemptAt = now, FailureCode = o.Error.Code.ToString(), FailureReason = o.Error.Message, FailureAction = o.Error.RecommendedAction };
                results[row.Id] = new AttestationResult { Attestation = after.ToInfo(), Error = SigningAdvice.Unsigned(o.Error) };
            }
        }
        return results;
    }

    // What is written back for a row: its signature, or its failure as recorded (the cause's code and message, the advice).
    private static SigningOutcome Outcome(AttestationRecord row, SignOutput output, KeyRecord? key, IReadOnlySet<string>? resignIds)
    {
        var resign = resignIds?.Contains(row.Id) ?? false;
        OpsError? error = output.Error is not { } cause ? null
            : resign ? SigningAdvice.NotResigned(row, cause) with { Message = cause.Message }
            : SigningAdvice.Recorded(row.Id, cause);
        return new SigningOutcome(row.Id, output.Signature, key?.Id, key?.Algorithm, error, resign);
    }

    // Metrics and one log line per distinct failure reason in the batch (not one per attestation).
    private void Account(SigningOutcome[] outcomes)
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
                    count, list, group.Key.Code, group.Key.Message, SigningAdvice.RetryCommand);
        }
    }

    public IReadOnlyList<AttestationInfo> List(AttestationQuery query)
    {
        query ??= new AttestationQuery();
        var limit = query.Limit ?? 1000;
        if (limit < 1) throw OpsException.InvalidArgument($"Limit must be at least 1 (got {limit}).", "limit");
        if (query.Id is { Length: > 0 } id) return [Get(id, details: false)];
        return [.. Query(query, limit, after: null).Select(r => r.ToInfo())];
    }

    /// <summary>
    /// One page of <see cref="List"/>: at most the query's limit (capped at <see cref="AttestationPage.MaxItems"/>) and
    /// <paramref name="maxBytes"/> of serialized attestations (at least one), and the cursor of the page after it.
    /// </summary>
    public AttestationPage ListPage(AttestationQuery query, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Min(query.Limit ?? AttestationPage.MaxItems, AttestationPage.MaxItems);
        if (limit < 1) throw OpsException.InvalidArgument($"Limit must be at least 1 (got {limit}).", "limit");
        if (query.Id is { Length: > 0 } id) return new AttestationPage { Items = [Get(id, details: false)] };
        var after = query.Cursor is { } cursor ? ParseCursor(cursor) : ((DateTimeOffset, string)?)null;
        // One row more than the page takes: whether there is a next page is known without another call.
        var rows = Query(query, limit + 1, after);
        var items = new List<AttestationInfo>(Math.Min(rows.Count, limit));
        var bytes = 0L;
        foreach (var row in rows)
        {
            if (items.Count == limit) break;
            var info = row.ToInfo();
            var size = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(info, RpcJson.Options).Length + 1;
            if (items.Count > 0 && bytes + size > maxBytes) break;
            items.Add(info);
            bytes += size;
        }
        var more = items.Count < rows.Count;
        return new AttestationPage { Items = items, Next = more ? Cursor(items[^1]) : null };
    }

    private static string Cursor(AttestationInfo last) => $"{last.CreatedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}:{last.Id}";

    private static (DateTimeOffset, string) ParseCursor(string cursor)
    {
        var colon = cursor.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && long.TryParse(cursor.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() && colon < cursor.Length - 1)
            return (DateTimeOffset.FromUnixTimeMilliseconds(ms), cursor[(colon + 1)..]);
        throw OpsException.InvalidArgument($"'{cursor}' is not a page cursor this daemon gave out.", "cursor",
            "Pass the Next of the previous page unchanged, or list again from the start without a cursor.");
    }

    /// <summary>The store rows a query selects, newest first, at most <paramref name="limit"/>, after the given row.</summary>
    private IReadOnlyList<AttestationRecord> Query(AttestationQuery query, int limit, (DateTimeOffset CreatedAt, string Id)? after)
    {
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
        return _store.List(query.Status, since, predicateType, digest, exactName, limit, accept, after);
    }

    public AttestationInfo Get(string id, bool details = true)
    {
        var row = _store.Find(ResolveId(id))!;
        return row.ToInfo(details, details ? _store.History(row.Id) : null);
    }

    /// <summary>
    /// The rows of these ids, in their order, each as <see cref="ResolveId"/> takes it (exact, or a unique prefix). The
    /// exact ones (what a pipeline of Get-StellaAttestation sends) are read in one pass, not one connection per id; the
    /// first id that resolves to nothing throws as ResolveId does.
    /// </summary>
    public IReadOnlyList<AttestationRecord> FindAll(IReadOnlyList<string> idsOrPrefixes)
        => [.. FindEach(idsOrPrefixes).Select(found => found.Error is { } error ? throw error : found.Row!)];

    /// <summary>
    /// As <see cref="FindAll"/>, but an id that names no attestation (or more than one) is that id's own error, as
    /// ResolveId gives it (AttestationNotFound, InvalidArgument), in its place: one bad id does not cost the others.
    /// </summary>
    public IReadOnlyList<(AttestationRecord? Row, OpsException? Error)> FindEach(IReadOnlyList<string> idsOrPrefixes)
    {
        var exact = _store.FindMany(idsOrPrefixes.Select(NormalizeId));
        var found = new (AttestationRecord?, OpsException?)[idsOrPrefixes.Count];
        for (var i = 0; i < found.Length; i++)
        {
            if (exact.TryGetValue(NormalizeId(idsOrPrefixes[i]), out var row)) { found[i] = (row, null); continue; }
            try
            {
                found[i] = (_store.Find(ResolveId(idsOrPrefixes[i]))!, null);
            }
            catch (OpsException e) when (e.Code is OpsErrorCode.AttestationNotFound or OpsErrorCode.InvalidArgument)
            {
                found[i] = (null, e);
            }
        }
        return found;
    }

    private static string NormalizeId(string? idOrPrefix) => idOrPrefix?.Trim().ToLowerInvariant() ?? "";

    /// <summary>An exact id, or a unique prefix of at least 8 characters.</summary>
    public string ResolveId(string idOrPrefix)
    {
        var id = NormalizeId(idOrPrefix);
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

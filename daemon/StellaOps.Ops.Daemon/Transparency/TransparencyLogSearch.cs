using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Entries;
using StellaOps.Ops.Transparency.Notes;
using StellaOps.Ops.Transparency.Tail;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>
/// <c>tlog.SearchLog</c> (Search-StellaRekor -Log): reads each configured log itself with <see cref="LogTail"/>, its head
/// proved consistent with every tree this daemon verified of it (the entry it logged last, the checkpoint the last
/// search verified: a fork since either is refused), at most the query's cap, and answers the entries in the window (a
/// v2 log records no time: every entry read counts) that the daemon's record does not hold, marked
/// <see cref="TlogSearchHit.FromLog"/>. The key filter is the record's: the signing key (a daemon key with that public
/// key by its id, else the SHA-256 of the key, hex) or the log key. A log that is not consistent, or whose checkpoint or
/// entries do not verify, fails the whole call with what it served, never a partial answer.
/// <para>
/// Where a read begins: the caller's start index; else the size of the largest checkpoint a search kept that was
/// verified (plus <see cref="ClockSkew"/>) no later than the window's start, since every entry it covers was in the log
/// by then and so is older than the window; else the log's first entry. The window decides, never what an earlier
/// search happened to read: a search must find every entry of its window, whoever searched what before. A watch that
/// searches from its previous run's time on thus reads about the entries since the run before that.
/// </para>
/// <para>
/// Each verified head is kept (<see cref="TransparencyStore.KeepSearchCheckpoint"/>) as the next search's anchor and a mark: daemon
/// state a reader's search writes, not an effect the caller asked for, so it is not audited (the answer says what was
/// proved). Searches of one backend take turns, so that each head kept was proved consistent with the one kept before.
/// </para>
/// </summary>
public sealed class TransparencyLogSearch(TransparencyBackends backends, TransparencyStore store, KeyStore keys, TimeProvider time, ILogger<TransparencyLogSearch> log)
{
    /// <summary>
    /// How far a log's clock (its entries' integrated times) may run ahead of this daemon's: a checkpoint verified at T
    /// holds entries integrated up to T plus this by the log's clock, so it bounds only windows that begin that much later.
    /// </summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);

    public async Task<TlogLogSearch> SearchAsync(TlogSearchQuery query, CancellationToken cancellationToken)
    {
        var snapshot = backends.Current;
        IReadOnlyList<LogBackend> chosen;
        if (!string.IsNullOrWhiteSpace(query.Backend))
        {
            chosen = backends.Find(query.Backend) is { } one ? [one]
                : throw new OpsException(OpsErrorCode.TransparencyLogBackendNotFound,
                    $"No transparency-log backend is '{query.Backend}'; the backends are: {(snapshot.Backends.Count == 0 ? "none" : string.Join(", ", snapshot.Backends.Select(b => b.Name)))}.",
                    query.Backend, "List them: stella trust status --show-backends");
        }
        else if (snapshot.Backends.Count == 0)
        {
            throw new OpsException(OpsErrorCode.TransparencyLogNotConfigured, $"No transparency log can be read: {snapshot.Problem}.", null, TransparencyHealthCheck.ConfigureCommand);
        }
        else chosen = snapshot.Backends;
        if (query.StartIndex < 0) throw OpsException.InvalidArgument("The start index is a log index, 0 or more.", "startIndex");
        if (query.MaxEntries is < 1 or > TlogSearchQuery.MaxLogEntries)
            throw OpsException.InvalidArgument($"At most {TlogSearchQuery.MaxLogEntries} entries are read per log and call; give 1 to {TlogSearchQuery.MaxLogEntries}.", "maxEntries");

        var daemonKeys = keys.All().GroupBy(k => Convert.ToHexStringLower(SHA256.HashData(k.SubjectPublicKeyInfo))).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
        var key = query.KeyId?.ToLowerInvariant();
        var hits = new List<TlogSearchHit>();
        var scans = new List<TlogLogScan>();
        var notRead = new List<string>();
        foreach (var backend in chosen)
        {
            if (hits.Count >= Protocol.MaxBatchItems) { notRead.Add(backend.Name); continue; }
            var (result, startedFrom, checkpointAt) = await TailAsync(backend, snapshot, query, cancellationToken).ConfigureAwait(false);
            var own = store.OwnIndexes(backend.Name, result.From, result.To);
            var end = result.To;
            foreach (var (entry, uuid) in result.Entries.Select(r => (r.Entry, r.Uuid)))
            {
                // The answer is full: this log's scan ends before this entry, and says to go on from it.
                if (hits.Count >= Protocol.MaxBatchItems) { end = entry.LogIndex; break; }
                if (own.Contains(entry.LogIndex)) continue;
                DateTimeOffset? integrated = entry.IntegratedTime > 0 ? DateTimeOffset.FromUnixTimeSeconds(entry.IntegratedTime) : null;
                if (integrated is { } at && (at < query.After || at >= query.Before)) continue;
                // A log entry names no subject, only digests of what was signed: a subject filter leaves it out.
                if (query.Subject is { Length: > 0 }) continue;
                var spkiHash = RekorEntryBodies.TrySignerKey(entry.CanonicalizedBody, out var spki) ? Convert.ToHexStringLower(SHA256.HashData(spki)) : "";
                var signingKey = daemonKeys.TryGetValue(spkiHash, out var id) ? id : spkiHash;
                var logKey = Convert.ToHexStringLower(entry.LogId);
                string? matched = null;
                if (key is not null)
                {
                    if (signingKey.Length > 0 && signingKey.StartsWith(key, StringComparison.Ordinal) || spkiHash.Length > 0 && spkiHash.StartsWith(key, StringComparison.Ordinal)) matched = "signing-key";
                    else if (logKey.StartsWith(key, StringComparison.Ordinal)) matched = "log-key";
                    else continue;
                }
                hits.Add(new TlogSearchHit
                {
                    Backend = backend.Name,
                    ApiVersion = backend.Service.MajorApiVersion,
                    LogIndex = entry.LogIndex,
                    Uuid = uuid,
                    LogKeyId = logKey,
                    SigningKeyId = signingKey,
                    IntegratedTime = integrated,
                    LoggedAt = integrated ?? default,
                    MatchedBy = matched,
                    FromLog = true,
                });
            }
            scans.Add(new TlogLogScan
            {
                Backend = backend.Name,
                ApiVersion = backend.Service.MajorApiVersion,
                CheckpointSize = result.Head.Size,
                ConsistentWithSize = result.ConsistentWithSize,
                StartIndex = result.From,
                StartedFrom = startedFrom,
                CheckpointVerifiedAt = checkpointAt,
                EndIndex = end,
                NextIndex = end < result.Head.Size ? end : null,
                Own = result.Entries.Count(r => r.Entry.LogIndex < end && own.Contains(r.Entry.LogIndex)),
            });
        }
        return new TlogLogSearch { Hits = [.. hits], Logs = [.. scans], NotRead = [.. notRead] };
    }

    private async Task<(LogTailResult Result, string StartedFrom, DateTimeOffset? CheckpointAt)> TailAsync(LogBackend backend, TransparencyBackends.Snapshot snapshot, TlogSearchQuery query, CancellationToken cancellationToken)
    {
        var turn = _turns.GetOrAdd(backend.Name, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string startedFrom = TlogLogScan.FromLogStart;
            DateTimeOffset? checkpointAt = null;
            long StartOf(Attestation.Sigstore.TransparencyLogInstance verifiedBy, Checkpoint head)
            {
                if (query.StartIndex is { } given) { startedFrom = TlogLogScan.FromStartIndex; return given; }
                if (store.SearchCheckpointOf(backend.Name, verifiedBy.LogId, query.After - ClockSkew) is not { } mark) return 0;
                (startedFrom, checkpointAt) = (TlogLogScan.FromCheckpoint, mark.VerifiedAt);
                return mark.Size;
            }
            var result = await LogTail.ReadAsync(backend.Client, snapshot.TrustedLogs, store.VerifiedTrees(backend.Name), StartOf, query.MaxEntries, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            // Taken after the read, so no earlier than the head was fetched: every entry it covers was in the log by then.
            store.KeepSearchCheckpoint(new SearchCheckpoint(backend.Name, result.Log.LogId, result.Head.Origin, result.Head.Size, result.Head.RootHash, result.HeadNote, time.GetUtcNow()));
            return (result, startedFrom, checkpointAt);
        }
        catch (TransparencyLogException e) when (e.Reason is LogFailureReason.Inconsistent or LogFailureReason.VerificationFailed)
        {
            var inconsistent = e.Reason == LogFailureReason.Inconsistent;
            log.LogError("Transparency log {Backend} {What}: {Detail}", backend.Name, inconsistent ? "is not consistent with the checkpoint this daemon verified" : "served what does not verify", e.Message);
            throw new OpsException(inconsistent ? OpsErrorCode.TransparencyLogInconsistent : OpsErrorCode.TransparencyLogCheckpointInvalid,
                $"{e.Message}. Nothing this log served is used.", backend.Name,
                inconsistent
                    ? "Treat the log as compromised or split-view: do not trust its entries, report it to its operator, and check the trusted root (stella trust status)."
                    : "Check the trusted root's key for this log (stella trust sync) and the log's endpoint (stella trust status --show-endpoints).");
        }
        catch (Exception e) when (e is TransparencyLogException or HttpRequestException)
        {
            throw new OpsException(OpsErrorCode.TransparencyLogUnavailable, $"Transparency log {backend.Name} could not be read: {e.Message}", backend.Name,
                "Try again once it answers (stella trust status --show-circuit-breaker), or name another log with -Backend.");
        }
        finally
        {
            turn.Release();
        }
    }
}

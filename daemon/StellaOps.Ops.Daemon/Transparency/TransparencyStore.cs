using Microsoft.Data.Sqlite;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Attestor;
using StellaOps.Ops.Daemon.Storage;
using StellaOps.Ops.Transparency.Entries;
using StellaOps.Ops.Transparency.Tail;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>
/// The outbox and the stored log entries. Storing an entry, removing its outbox row and making the attestation
/// Logged happen in one transaction, with the attestation's event; a failed attempt is recorded (and an entry that
/// did not verify is an event of its own). Only the in-process drain takes rows, one round at a time.
/// </summary>
public sealed class TransparencyStore(StateStore store)
{
    /// <summary>The oldest queued rows whose backoff (2^attempts seconds, at most a minute) has passed.</summary>
    public IReadOnlyList<OutboxItem> Due(int limit, DateTimeOffset now)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT attestation_id, key_id, enqueued_at, attempts FROM tlog_outbox
            WHERE last_attempt_at IS NULL OR last_attempt_at + min(60000, 1000 * (1 << min(attempts, 6))) <= $now
            ORDER BY enqueued_at, attestation_id LIMIT $limit;
            """;
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$limit", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<OutboxItem>();
        while (r.Read()) list.Add(new OutboxItem(r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), r.GetInt32(3)));
        return list;
    }

    /// <summary>
    /// Failed attempts: the row stays queued with its error; a rejected (unverifiable) answer is also an attestation
    /// event. Only a row some log was actually tried for counts an attempt and backs off (<paramref name="failures"/>' Tried).
    /// </summary>
    public void Failed(IReadOnlyList<(string Id, string Backend, string Error, bool Rejected, bool Tried)> failures, DateTimeOffset now)
    {
        if (failures.Count == 0) return;
        store.InTransaction((c, tx) =>
        {
            using var update = Command(c, tx, "UPDATE tlog_outbox SET attempts = attempts + 1, last_attempt_at = $now, last_backend = $backend, last_error = $error WHERE attestation_id = $id;");
            using var untried = Command(c, tx, "UPDATE tlog_outbox SET last_backend = $backend, last_error = $error WHERE attestation_id = $id;");
            using var ev = EventCommand(c, tx);
            foreach (var (id, backend, error, rejected, tried) in failures)
            {
                if (tried) Set(update, ("$now", now.ToUnixTimeMilliseconds()), ("$backend", backend), ("$error", error), ("$id", id));
                else Set(untried, ("$backend", backend), ("$error", error), ("$id", id));
                (tried ? update : untried).ExecuteNonQuery();
                if (rejected) AddEvent(ev, id, now, "tlog-rejected", $"{backend}: {error}; the attestation stays queued");
            }
            return 0;
        }, joinParticipant: false);
    }

    /// <summary>
    /// For each outbox row, the backends (by URL) that hold an entry of its attestation stored since it was queued
    /// (its <see cref="OutboxItem.EnqueuedAt"/>): entries of an earlier queueing do not count, so a resubmission logs
    /// again. Read on one connection with one prepared statement; every row's attestation id is a key.
    /// </summary>
    public Dictionary<string, IReadOnlySet<string>> BackendsHolding(IReadOnlyCollection<OutboxItem> items)
    {
        var held = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        using var c = store.Open();
        using var cmd = Command(c, null, "SELECT DISTINCT backend FROM tlog_entries WHERE attestation_id = $id AND logged_at >= $since;");
        foreach (var item in items)
        {
            if (held.ContainsKey(item.AttestationId)) continue;
            Set(cmd, ("$id", item.AttestationId), ("$since", item.EnqueuedAt.ToUnixTimeMilliseconds()));
            using var r = cmd.ExecuteReader();
            var set = new HashSet<string>(StringComparer.Ordinal);
            while (r.Read()) set.Add(r.GetString(0));
            held[item.AttestationId] = set;
        }
        return held;
    }

    /// <summary>
    /// Stores verified entries and, for the attestations whose selection they complete (<paramref name="satisfied"/>),
    /// dequeues them and marks them Logged, in one transaction. An entry of an attestation not yet satisfied is kept;
    /// the attestation stays queued for the logs still missing.
    /// </summary>
    public void Logged(IReadOnlyList<LoggedEntry> entries, IReadOnlyList<string> satisfied, DateTimeOffset now)
    {
        if (entries.Count == 0 && satisfied.Count == 0) return;
        store.InTransaction((c, tx) =>
        {
            using var insert = Command(c, tx, """
                INSERT OR IGNORE INTO tlog_entries(attestation_id, backend, api_version, log_id, log_index, uuid, integrated_time, entry, timestamp_token, signing_key_id, logged_at)
                VALUES ($id, $backend, $version, $logId, $index, $uuid, $time, $entry, $token, $key, $now);
                """);
            using var dequeue = Command(c, tx, "DELETE FROM tlog_outbox WHERE attestation_id = $id;");
            using var status = Command(c, tx, "UPDATE attestations SET status = 'Logged' WHERE id = $id AND status = 'Signed';");
            using var ev = EventCommand(c, tx);
            foreach (var e in entries)
            {
                Set(insert, ("$id", e.AttestationId), ("$backend", e.Backend), ("$version", e.ApiVersion), ("$logId", e.Entry.LogId), ("$index", e.Entry.LogIndex),
                    ("$uuid", e.Uuid), ("$time", e.Entry.IntegratedTime), ("$entry", e.Entry.ToJsonBytes()), ("$token", e.TimestampToken), ("$key", e.SigningKeyId),
                    ("$now", now.ToUnixTimeMilliseconds()));
                insert.ExecuteNonQuery();
                AddEvent(ev, e.AttestationId, now, "logged",
                    $"{(e.AlreadyLogged ? "already in" : "logged to")} {e.Backend} (v{e.ApiVersion}) at index {e.Entry.LogIndex}{(e.Uuid is null ? "" : $", uuid {e.Uuid}")}; inclusion proof, checkpoint{(e.Entry.SignedEntryTimestamp is null ? "" : ", SET")} and log key verified");
            }
            foreach (var id in satisfied)
            {
                Set(dequeue, ("$id", id));
                dequeue.ExecuteNonQuery();
                Set(status, ("$id", id));
                status.ExecuteNonQuery();
            }
            return 0;
        }, joinParticipant: false);
    }

    /// <summary>Every queued row is due now (an operator closed the circuits: try at once, not after each row's backoff).</summary>
    public void ClearBackoff()
    {
        using var c = store.Open();
        using var cmd = Command(c, null, "UPDATE tlog_outbox SET last_attempt_at = NULL WHERE last_attempt_at IS NOT NULL;");
        cmd.ExecuteNonQuery();
    }

    /// <summary>Queues attestations again (resubmission); answers how many were queued.</summary>
    public int Enqueue(IReadOnlyList<(string Id, string KeyId)> items, DateTimeOffset now)
    {
        return store.InTransaction((c, tx) =>
        {
            using var cmd = Command(c, tx, """
                INSERT INTO tlog_outbox(attestation_id, key_id, enqueued_at, attempts) VALUES ($id, $key, $at, 0)
                ON CONFLICT(attestation_id) DO NOTHING;
                """);
            var n = 0;
            foreach (var (id, key) in items)
            {
                Set(cmd, ("$id", id), ("$key", key), ("$at", now.ToUnixTimeMilliseconds()));
                n += cmd.ExecuteNonQuery();
            }
            return n;
        });
    }

    public (long Depth, DateTimeOffset? Oldest) Outbox()
    {
        using var c = store.Open();
        using var cmd = Command(c, null, "SELECT count(*), min(enqueued_at) FROM tlog_outbox;");
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)));
    }

    public long LoggedCount()
    {
        using var c = store.Open();
        using var cmd = Command(c, null, "SELECT count(*) FROM tlog_entries;");
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>The stored entries of one attestation, oldest first, with v2's timestamp tokens.</summary>
    public IReadOnlyList<(LogEntry Entry, byte[]? Token)> EntriesOf(string attestationId) => EntriesOfMany([attestationId])[attestationId];

    /// <summary>
    /// <see cref="EntriesOf(string)"/> for many attestations, read on one connection with one prepared statement (a
    /// batch being verified); every id given is a key, with no entries when it has none.
    /// </summary>
    public Dictionary<string, IReadOnlyList<(LogEntry Entry, byte[]? Token)>> EntriesOfMany(IEnumerable<string> attestationIds)
    {
        var found = new Dictionary<string, IReadOnlyList<(LogEntry, byte[]?)>>(StringComparer.Ordinal);
        using var c = store.Open();
        using var cmd = Command(c, null, "SELECT entry, timestamp_token FROM tlog_entries WHERE attestation_id = $id ORDER BY seq;");
        foreach (var id in attestationIds)
        {
            if (found.ContainsKey(id)) continue;
            Set(cmd, ("$id", id));
            using var r = cmd.ExecuteReader();
            var list = new List<(LogEntry, byte[]?)>();
            while (r.Read())
                if (LogEntry.TryParse((byte[])r.GetValue(0), out var entry, out _)) list.Add((entry, r.IsDBNull(1) ? null : (byte[])r.GetValue(1)));
            found[id] = list;
        }
        return found;
    }

    /// <summary>
    /// Every tree of <paramref name="backend"/> the daemon verified, for a log search to prove the log's head consistent
    /// with: per log (key), the tree of the inclusion proof of the entry it stored last (each was verified, checkpoint
    /// signature included, before it was stored) and the checkpoint the last search verified (<see cref="SearchCheckpointOf"/>).
    /// </summary>
    public IReadOnlyList<VerifiedTree> VerifiedTrees(string backend)
    {
        var trees = new List<VerifiedTree>();
        using var c = store.Open();
        using (var cmd = Command(c, null, "SELECT entry FROM tlog_entries WHERE seq IN (SELECT max(seq) FROM tlog_entries WHERE backend = $backend GROUP BY log_id);"))
        {
            Set(cmd, ("$backend", backend));
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (LogEntry.TryParse((byte[])r.GetValue(0), out var entry, out _) && entry.Proof is { } proof)
                    trees.Add(new VerifiedTree(proof.TreeSize, proof.RootHash, "the tree of the entry this daemon logged last", entry.LogId.Length == 0 ? null : entry.LogId));
            }
        }
        using (var cmd = Command(c, null, """
            SELECT tree_size, root_hash, log_id, verified_at FROM tlog_checkpoints k
            WHERE backend = $backend AND tree_size = (SELECT max(tree_size) FROM tlog_checkpoints WHERE backend = k.backend AND log_id = k.log_id);
            """))
        {
            Set(cmd, ("$backend", backend));
            using var r = cmd.ExecuteReader();
            while (r.Read())
                trees.Add(new VerifiedTree(r.GetInt64(0), (byte[])r.GetValue(1),
                    $"the checkpoint a search verified at {DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)):O}", (byte[])r.GetValue(2)));
        }
        return trees;
    }

    /// <summary>How many checkpoints a log search keeps per backend and log: the newest, and marks for where later windows may begin.</summary>
    public const int KeptSearchCheckpoints = 64;

    /// <summary>
    /// The largest checkpoint of <paramref name="backend"/>'s log <paramref name="logId"/> a log search verified no later
    /// than <paramref name="atOrBefore"/> (null: any), null when none: every entry below its size was in the log by then.
    /// </summary>
    public SearchCheckpoint? SearchCheckpointOf(string backend, byte[] logId, DateTimeOffset? atOrBefore = null)
    {
        using var c = store.Open();
        using var cmd = Command(c, null, """
            SELECT origin, tree_size, root_hash, note, verified_at FROM tlog_checkpoints
            WHERE backend = $backend AND log_id = $logId AND verified_at <= $at ORDER BY tree_size DESC LIMIT 1;
            """);
        Set(cmd, ("$backend", backend), ("$logId", logId), ("$at", atOrBefore?.ToUnixTimeMilliseconds() ?? long.MaxValue));
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new SearchCheckpoint(backend, logId, r.GetString(0), r.GetInt64(1), (byte[])r.GetValue(2), System.Text.Encoding.UTF8.GetString((byte[])r.GetValue(3)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)))
            : null;
    }

    /// <summary>
    /// Keeps a checkpoint a log search verified (signed, and proved consistent with every tree of <see cref="VerifiedTrees"/>)
    /// when it is larger than the newest kept, and the newest <see cref="KeptSearchCheckpoints"/> of that log only; a
    /// checkpoint of a size already kept changes nothing (its time stays the earliest known to hold those entries).
    /// Daemon state, not the caller's effect: never joins the call's audit.
    /// </summary>
    public void KeepSearchCheckpoint(SearchCheckpoint checkpoint)
    {
        store.InTransaction((c, tx) =>
        {
            using var insert = Command(c, tx, """
                INSERT INTO tlog_checkpoints(backend, log_id, origin, tree_size, root_hash, note, verified_at)
                SELECT $backend, $logId, $origin, $size, $root, $note, $at
                WHERE $size > coalesce((SELECT max(tree_size) FROM tlog_checkpoints WHERE backend = $backend AND log_id = $logId), -1);
                """);
            Set(insert, ("$backend", checkpoint.Backend), ("$logId", checkpoint.LogId), ("$origin", checkpoint.Origin), ("$size", checkpoint.Size),
                ("$root", checkpoint.Root), ("$note", System.Text.Encoding.UTF8.GetBytes(checkpoint.Note)), ("$at", checkpoint.VerifiedAt.ToUnixTimeMilliseconds()));
            if (insert.ExecuteNonQuery() == 0) return 0;
            using var prune = Command(c, tx, """
                DELETE FROM tlog_checkpoints WHERE backend = $backend AND log_id = $logId AND tree_size NOT IN
                    (SELECT tree_size FROM tlog_checkpoints WHERE backend = $backend AND log_id = $logId ORDER BY tree_size DESC LIMIT $keep);
                """);
            Set(prune, ("$backend", checkpoint.Backend), ("$logId", checkpoint.LogId), ("$keep", KeptSearchCheckpoints));
            return prune.ExecuteNonQuery();
        }, joinParticipant: false);
    }

    /// <summary>The log indexes in [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="backend"/> that hold an entry this daemon stored.</summary>
    public IReadOnlySet<long> OwnIndexes(string backend, long from, long to)
    {
        using var c = store.Open();
        using var cmd = Command(c, null, "SELECT DISTINCT log_index FROM tlog_entries WHERE backend = $backend AND log_index >= $from AND log_index < $to;");
        Set(cmd, ("$backend", backend), ("$from", from), ("$to", to));
        using var r = cmd.ExecuteReader();
        var set = new HashSet<long>();
        while (r.Read()) set.Add(r.GetInt64(0));
        return set;
    }

    /// <summary>Logged entries in the window, newest first; with a key id only those whose signing key or log id is it.</summary>
    public IReadOnlyList<TlogSearchHit> Search(TlogSearchQuery query)
    {
        using var c = store.Open();
        using var cmd = Command(c, null, """
            SELECT e.attestation_id, e.backend, e.api_version, e.log_id, e.log_index, e.uuid, e.integrated_time, e.signing_key_id, e.logged_at, a.subjects
            FROM tlog_entries e JOIN attestations a ON a.id = e.attestation_id
            WHERE e.logged_at >= $after AND e.logged_at < $before
            ORDER BY e.logged_at DESC, e.seq DESC;
            """);
        Set(cmd, ("$after", query.After.ToUnixTimeMilliseconds()), ("$before", query.Before.ToUnixTimeMilliseconds()));
        using var r = cmd.ExecuteReader();
        var hits = new List<TlogSearchHit>();
        var key = query.KeyId?.ToLowerInvariant();
        while (r.Read() && hits.Count < query.Limit)
        {
            var logKey = Convert.ToHexStringLower((byte[])r.GetValue(3));
            var signingKey = r.GetString(7);
            string? matched = null;
            if (key is not null)
            {
                if (signingKey.StartsWith(key, StringComparison.Ordinal)) matched = "signing-key";
                else if (logKey.StartsWith(key, StringComparison.Ordinal)) matched = "log-key";
                else continue;
            }
            var subjects = AttestationRecord.ParseSubjects(r.GetString(9));
            if (query.Subject is { Length: > 0 } s && !subjects.Any(x => x.Name == s || x.Digest.Any(d => $"{d.Key}:{d.Value}" == s))) continue;
            var time = r.GetInt64(6);
            hits.Add(new TlogSearchHit
            {
                AttestationId = r.GetString(0),
                Backend = r.GetString(1),
                ApiVersion = r.GetInt32(2),
                LogKeyId = logKey,
                LogIndex = r.GetInt64(4),
                Uuid = r.IsDBNull(5) ? null : r.GetString(5),
                IntegratedTime = time > 0 ? DateTimeOffset.FromUnixTimeSeconds(time) : null,
                SigningKeyId = signingKey,
                LoggedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
                MatchedBy = matched,
                Subjects = [.. subjects],
            });
        }
        return hits;
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private static void Set(SqliteCommand cmd, params (string Name, object? Value)[] values)
    {
        cmd.Parameters.Clear();
        foreach (var (name, value) in values) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
    }

    private static SqliteCommand EventCommand(SqliteConnection c, SqliteTransaction tx) => Command(c, tx,
        "INSERT INTO attestation_events(attestation_id, ts, event, detail, key_id, actor) VALUES ($id, $ts, $event, $detail, NULL, 'daemon');");

    private static void AddEvent(SqliteCommand ev, string id, DateTimeOffset at, string what, string detail)
    {
        Set(ev, ("$id", id), ("$ts", at.ToUnixTimeMilliseconds()), ("$event", what), ("$detail", detail));
        ev.ExecuteNonQuery();
    }
}

using Microsoft.Data.Sqlite;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>
/// Attestations, their subjects (for "does this subject already have one"), their events and replaced envelopes.
/// Rows are claimed (claimed_by = this process's instance id) while being signed; a claim is taken with a
/// conditional UPDATE inside an immediate transaction, so two retries never sign one row twice.
/// </summary>
public sealed class AttestationStore(StateStore store, IEnumerable<IAttestationSignedHook>? signedHooks = null)
{
    private readonly IAttestationSignedHook[] _signedHooks = [.. signedHooks ?? []];

    private const string Columns = "id, type, predicate_type, subjects, statement, statement_digest, status, created_at, created_by, signed_at, key_id, algorithm, envelope, attempts, last_attempt_at, failure_code, failure_reason, claimed_by, signature, failure_action";

    /// <summary>A statement to record; <see cref="Force"/> skips the "already attested" lookup.</summary>
    public sealed record NewAttestation(AttestationRecord Record, bool Force);

    /// <summary>What <see cref="Insert"/> did for one item.</summary>
    public enum Recorded
    {
        /// <summary>A new row, claimed for signing.</summary>
        New,
        /// <summary>The subject already has an attestation of this type (signed, or being signed now): returned as is.</summary>
        Existing,
        /// <summary>The subject's attestation of this type is recorded but not signed: claimed, to be signed now (a retry).</summary>
        Retry,
    }

    /// <summary>
    /// Records a batch of evidence in one transaction, each row claimed by <paramref name="instance"/>. Without Force an
    /// item whose subjects already have an attestation of its predicate type (stored, or earlier in this batch) gets that
    /// one back instead and nothing new is written for it: a signed one (or one being signed) as Existing; one whose
    /// signing failed or was interrupted is claimed as a Retry, so the caller signs the recorded evidence now.
    /// </summary>
    public IReadOnlyList<(AttestationRecord Record, Recorded How)> Insert(IReadOnlyList<NewAttestation> batch, string instance, string actor)
    {
        // What needs no database is worked out before the write gate is taken: the gate is held by one writer at a time.
        var items = batch.Select(b => new PreparedItem(b.Record, b.Force, SubjectKey(b.Record), AttestationRecord.SubjectsJson(b.Record.Subjects),
            $"{b.Record.Type} for {Describe(b.Record.Subjects)}; statement {b.Record.StatementDigest}")).ToArray();
        var lookup = Lookup(batch);
        return store.InTransaction((c, tx) =>
        {
            var results = new List<(AttestationRecord, Recorded)>(batch.Count);
            var inBatch = new Dictionary<string, AttestationRecord>(StringComparer.Ordinal);
            using var retry = Command(c, tx, $"""
                UPDATE attestations SET claimed_by = $claim
                WHERE id = $id AND claimed_by IS NULL AND status IN ('Failed', 'Pending')
                RETURNING {Columns};
                """, "$claim", "$id");
            using var insert = Command(c, tx, """
                INSERT INTO attestations(id, type, predicate_type, subjects, statement, statement_digest, status, created_at, created_by, attempts, claimed_by)
                VALUES ($id, $type, $pt, $subjects, $statement, $sd, $status, $created, $by, 0, $claim);
                """, "$id", "$type", "$pt", "$subjects", "$statement", "$sd", "$status", "$created", "$by", "$claim");
            using var subject = Command(c, tx, "INSERT INTO attestation_subjects(attestation_id, name, digest, predicate_type) VALUES ($id, $name, $digest, $pt);",
                "$id", "$name", "$digest", "$pt");
            using var ev = EventCommand(c, tx);
            var stored = StoredBySubject(c, tx, lookup);
            foreach (var (record, force, key, subjectsJson, created) in items)
            {
                if (!force)
                {
                    if (inBatch.TryGetValue(key, out var earlier)) { results.Add((earlier, Recorded.Existing)); continue; }
                    if (FindExisting(stored, record, key) is { } existing)
                    {
                        Set(retry, instance, existing.Id);
                        if (Read(retry).FirstOrDefault() is { } unsigned)
                        {
                            AddEvent(ev, unsigned.Id, record.CreatedAt, "retry", $"attest create asked again for {Describe(record.Subjects)}: signing the recorded, unsigned statement now", null, actor);
                            inBatch[key] = unsigned;
                            results.Add((unsigned, Recorded.Retry));
                        }
                        else results.Add((existing, Recorded.Existing));
                        continue;
                    }
                }
                Set(insert, record.Id, record.Type, record.PredicateType, subjectsJson, record.Statement,
                    record.StatementDigest, nameof(AttestationStatus.Pending), record.CreatedAt.ToUnixTimeMilliseconds(), record.CreatedBy, instance);
                insert.ExecuteNonQuery();
                foreach (var s in record.Subjects)
                    foreach (var (alg, hex) in s.Digest)
                    {
                        Set(subject, record.Id, s.Name, $"{alg}:{hex}", record.PredicateType);
                        subject.ExecuteNonQuery();
                    }
                AddEvent(ev, record.Id, record.CreatedAt, "created", created, null, actor);
                inBatch[key] = record;
                results.Add((record, Recorded.New));
            }
            return (IReadOnlyList<(AttestationRecord, Recorded)>)results;
        });
    }

    /// <summary>
    /// Writes signing outcomes of rows this process claimed, in one transaction, and releases the claims. A failed
    /// re-signing of a signed row keeps it Signed with its old envelope and no failure stamped on it (event
    /// "resign-failed"); any other failure makes the row Failed.
    /// </summary>
    public void Complete(IReadOnlyList<SigningOutcome> outcomes, string instance, string actor, DateTimeOffset now)
    {
        if (outcomes.Count == 0) return;
        store.InTransaction((c, tx) =>
        {
            var ms = now.ToUnixTimeMilliseconds();
            // The replaced signature is kept (with the whole envelope only for a row signed before schema 5).
            using var keepOld = Command(c, tx, """
                INSERT INTO attestation_envelopes(attestation_id, key_id, envelope, signature, signed_at, replaced_at)
                SELECT id, key_id, coalesce(envelope, X''), signature, signed_at, $now FROM attestations
                WHERE id = $id AND (envelope IS NOT NULL OR signature IS NOT NULL) AND claimed_by = $claim;
                """, "$id", "$now", "$claim");
            using var signed = Command(c, tx, """
                UPDATE attestations SET status = 'Signed', signature = $sig, envelope = NULL, key_id = $key, algorithm = $alg, signed_at = $now,
                    attempts = attempts + 1, last_attempt_at = $now, failure_code = NULL, failure_reason = NULL, failure_action = NULL, claimed_by = NULL
                WHERE id = $id AND claimed_by = $claim;
                """, "$id", "$sig", "$key", "$alg", "$now", "$claim");
            using var failed = Command(c, tx, """
                UPDATE attestations SET status = 'Failed',
                    attempts = attempts + 1, last_attempt_at = $now, failure_code = $code, failure_reason = $reason, failure_action = $action, claimed_by = NULL
                WHERE id = $id AND claimed_by = $claim AND status NOT IN ('Signed', 'Logged');
                """, "$id", "$now", "$code", "$reason", "$action", "$claim");
            using var notResigned = Command(c, tx, """
                UPDATE attestations SET attempts = attempts + 1, last_attempt_at = $now, claimed_by = NULL
                WHERE id = $id AND claimed_by = $claim AND status IN ('Signed', 'Logged');
                """, "$id", "$now", "$claim");
            using var ev = EventCommand(c, tx);
            foreach (var o in outcomes)
            {
                if (o.Error is null)
                {
                    if (o.Resign) { Set(keepOld, o.Id, ms, instance); keepOld.ExecuteNonQuery(); }
                    Set(signed, o.Id, o.Signature, o.KeyId, o.Algorithm?.ToName(), ms, instance);
                    if (signed.ExecuteNonQuery() == 1)
                    {
                        AddEvent(ev, o.Id, now, o.Resign ? "resigned" : "signed", $"signed with {o.Algorithm?.ToName()} key {o.KeyId}", o.KeyId, actor);
                        foreach (var hook in _signedHooks) hook.Signed(c, tx, o.Id, o.KeyId!, now);
                    }
                }
                else if (o.Resign)
                {
                    Set(notResigned, o.Id, ms, instance);
                    if (notResigned.ExecuteNonQuery() == 1)
                        AddEvent(ev, o.Id, now, "resign-failed", $"{o.Error.Message} (the previous signature stands)", o.KeyId, actor, o.Error);
                }
                else
                {
                    Set(failed, o.Id, ms, o.Error.Code.ToString(), o.Error.Message, o.Error.RecommendedAction, instance);
                    if (failed.ExecuteNonQuery() == 1)
                        AddEvent(ev, o.Id, now, "sign-failed", o.Error.Message, o.KeyId, actor, o.Error);
                }
            }
            return 0;
        });
    }

    /// <summary>Gives up this process's claims without a result (cancelled request): the rows stay retryable.</summary>
    public void Release(IReadOnlyCollection<string> ids, string instance, string reason, string actor, DateTimeOffset now)
    {
        if (ids.Count == 0) return;
        store.InTransaction((c, tx) =>
        {
            using var release = Command(c, tx, "UPDATE attestations SET claimed_by = NULL WHERE id = $id AND claimed_by = $claim;", "$id", "$claim");
            using var ev = EventCommand(c, tx);
            foreach (var id in ids)
            {
                Set(release, id, instance);
                if (release.ExecuteNonQuery() == 1) AddEvent(ev, id, now, "interrupted", reason, null, actor);
            }
            return 0;
        });
    }

    /// <summary>At start: claims held by earlier processes (killed mid-signing) are released; returns how many were Pending.</summary>
    public int ReleaseOrphans(string instance, DateTimeOffset now)
    {
        return store.InTransaction((c, tx) =>
        {
            var orphans = new List<(string Id, string Status)>();
            using (var find = Command(c, tx, "SELECT id, status FROM attestations WHERE claimed_by IS NOT NULL AND claimed_by <> $claim;", "$claim"))
            {
                Set(find, instance);
                using var r = find.ExecuteReader();
                while (r.Read()) orphans.Add((r.GetString(0), r.GetString(1)));
            }
            using var release = Command(c, tx, "UPDATE attestations SET claimed_by = NULL WHERE id = $id;", "$id");
            using var ev = EventCommand(c, tx);
            foreach (var (id, status) in orphans)
            {
                Set(release, id);
                release.ExecuteNonQuery();
                AddEvent(ev, id, now, "interrupted", status == nameof(AttestationStatus.Pending)
                    ? "the daemon stopped before this attestation was signed; it is recorded and waits for 'stella attest retry --failed'"
                    : "the daemon stopped during a re-signing; the previous state is kept", null, "daemon");
            }
            return orphans.Count(o => o.Status == nameof(AttestationStatus.Pending));
        });
    }

    /// <summary>Claims every unclaimed Failed or interrupted (Pending) row created since <paramref name="since"/>.</summary>
    public IReadOnlyList<AttestationRecord> ClaimRetryable(DateTimeOffset? since, string instance, string? afterId = null, int limit = Protocol.MaxBatchItems)
    {
        // At most one batch per call, in id order (UUIDv7: creation order): the caller goes on after the last id it got,
        // so a row that fails again is not taken twice by one retry and no answer grows past the batch limit.
        return store.InTransaction((c, tx) =>
        {
            using var claim = Command(c, tx, $"""
                UPDATE attestations SET claimed_by = $claim
                WHERE id IN (
                    SELECT id FROM attestations
                    WHERE claimed_by IS NULL AND status IN ('Failed', 'Pending') AND created_at >= $since AND id > $after
                    ORDER BY id LIMIT $limit)
                RETURNING {Columns};
                """, "$claim", "$since", "$after", "$limit");
            Set(claim, instance, since?.ToUnixTimeMilliseconds() ?? long.MinValue, afterId ?? "", limit);
            return (IReadOnlyList<AttestationRecord>)[.. Read(claim).OrderBy(r => r.Id, StringComparer.Ordinal)];
        });
    }

    /// <summary>
    /// Claims the given rows for signing. Without <paramref name="resign"/> only Failed and interrupted rows are taken;
    /// with it Signed ones too. Rows not taken are returned as they are, with the reason.
    /// </summary>
    public (IReadOnlyList<AttestationRecord> Claimed, IReadOnlyList<(AttestationRecord Record, string Reason)> Skipped) ClaimIds(IReadOnlyList<string> ids, bool resign, string instance)
    {
        return store.InTransaction((c, tx) =>
        {
            var claimed = new List<AttestationRecord>();
            var skipped = new List<(AttestationRecord, string)>();
            using var claim = Command(c, tx, $"""
                UPDATE attestations SET claimed_by = $claim
                WHERE id = $id AND claimed_by IS NULL AND (status IN ('Failed', 'Pending') OR ($resign AND status IN ('Signed', 'Logged')))
                RETURNING {Columns};
                """, "$claim", "$id", "$resign");
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                Set(claim, instance, id, resign ? 1 : 0);
                var row = Read(claim).FirstOrDefault();
                if (row is not null) { claimed.Add(row); continue; }
                var current = Find(c, tx, id)!;
                skipped.Add((current, current.ClaimedBy is not null
                    ? $"Attestation {id} is being signed right now; nothing was done."
                    : $"Attestation {id} is already signed; nothing was done."));
            }
            return ((IReadOnlyList<AttestationRecord>)claimed, (IReadOnlyList<(AttestationRecord, string)>)skipped);
        });
    }

    public AttestationRecord? Find(string id)
    {
        using var c = store.Open();
        return Find(c, null, id);
    }

    /// <summary>The rows with these exact ids, read on one connection with one prepared statement; an id not found is absent.</summary>
    public Dictionary<string, AttestationRecord> FindMany(IEnumerable<string> ids)
    {
        var found = new Dictionary<string, AttestationRecord>(StringComparer.Ordinal);
        using var c = store.Open();
        using var cmd = Command(c, null, $"SELECT {Columns} FROM attestations WHERE id = $id;", "$id");
        foreach (var id in ids)
        {
            if (found.ContainsKey(id)) continue;
            Set(cmd, id);
            if (Read(cmd).FirstOrDefault() is { } row) found[id] = row;
        }
        return found;
    }

    /// <summary>Ids that start with <paramref name="prefix"/> (at most <paramref name="max"/>).</summary>
    public IReadOnlyList<string> IdsByPrefix(string prefix, int max)
    {
        using var c = store.Open();
        using var cmd = Command(c, null, "SELECT id FROM attestations WHERE id >= $p AND id < $q ORDER BY id LIMIT $max;", "$p", "$q", "$max");
        Set(cmd, prefix, prefix + "\uffff", max);
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    /// <summary>
    /// Newest first. <paramref name="accept"/> filters what SQL cannot (wildcard subject names); rows are read until
    /// <paramref name="limit"/> are accepted.
    /// </summary>
    public IReadOnlyList<AttestationRecord> List(AttestationStatus? status, DateTimeOffset? since, string? predicateType, string? subjectDigest,
        string? subjectName, int limit, Func<AttestationRecord, bool>? accept = null, (DateTimeOffset CreatedAt, string Id)? after = null)
    {
        using var c = store.Open();
        var where = new List<string>();
        using var cmd = c.CreateCommand();
        if (after is { } a)
        {
            // Keyset paging in the list's order (created_at DESC, id DESC): every row after the previous page's last.
            where.Add("(a.created_at < $after_at OR (a.created_at = $after_at AND a.id < $after_id))");
            cmd.Parameters.AddWithValue("$after_at", a.CreatedAt.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$after_id", a.Id);
        }
        // Signed includes Logged: a logged attestation is a signed one whose log entry is stored and verified.
        if (status is { } s) { where.Add(s == AttestationStatus.Signed ? "a.status IN ($status, 'Logged')" : "a.status = $status"); cmd.Parameters.AddWithValue("$status", s.ToString()); }
        if (since is { } t) { where.Add("a.created_at >= $since"); cmd.Parameters.AddWithValue("$since", t.ToUnixTimeMilliseconds()); }
        if (predicateType is not null) { where.Add("a.predicate_type = $pt"); cmd.Parameters.AddWithValue("$pt", predicateType); }
        if (subjectDigest is not null)
        {
            where.Add(SubjectDigestFilter);
            cmd.Parameters.AddWithValue("$digest", subjectDigest);
            cmd.Parameters.AddWithValue("$prefix", DigestPrefix(subjectDigest));
        }
        if (subjectName is not null) { where.Add("a.id IN (SELECT attestation_id FROM attestation_subjects WHERE name = $name)"); cmd.Parameters.AddWithValue("$name", subjectName); }
        cmd.CommandText = $"SELECT {Prefixed("a.")} FROM attestations a {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY a.created_at DESC, a.id DESC"
                          + (accept is null ? " LIMIT $limit;" : ";");
        cmd.Parameters.AddWithValue("$limit", limit);
        var list = new List<AttestationRecord>();
        using var r = cmd.ExecuteReader();
        while (list.Count < limit && r.Read())
        {
            var row = ReadRow(r);
            if (accept is null || accept(row)) list.Add(row);
        }
        return list;
    }

    public AttestationEvent[] History(string id)
    {
        using var c = store.Open();
        using var cmd = Command(c, null, "SELECT ts, event, detail, key_id, actor, error_code, error_action FROM attestation_events WHERE attestation_id = $id ORDER BY seq;", "$id");
        Set(cmd, id);
        using var r = cmd.ExecuteReader();
        var list = new List<AttestationEvent>();
        while (r.Read())
            list.Add(new AttestationEvent
            {
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)),
                Event = r.GetString(1),
                Detail = r.GetString(2),
                KeyId = r.IsDBNull(3) ? null : r.GetString(3),
                Actor = r.GetString(4),
                Error = r.IsDBNull(5) ? null : StoredError(r.GetString(5), r.GetString(2), id, r.IsDBNull(6) ? null : r.GetString(6)),
            });
        return [.. list];
    }

    public Dictionary<AttestationStatus, long> CountByStatus()
    {
        using var c = store.Open();
        using var cmd = Command(c, null, "SELECT status, count(*) FROM attestations GROUP BY status;");
        using var r = cmd.ExecuteReader();
        var counts = Enum.GetValues<AttestationStatus>().ToDictionary(s => s, _ => 0L);
        while (r.Read()) counts[Enum.Parse<AttestationStatus>(r.GetString(0))] = r.GetInt64(1);
        return counts;
    }

    public DateTimeOffset? LastSignedAt()
    {
        using var c = store.Open();
        using var cmd = Command(c, null, "SELECT max(signed_at) FROM attestations;");
        return cmd.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public AttestationFailure? LastFailure()
    {
        using var c = store.Open();
        using var cmd = Command(c, null, "SELECT attestation_id, ts, detail, error_code, error_action FROM attestation_events WHERE event IN ('sign-failed', 'resign-failed') ORDER BY seq DESC LIMIT 1;");
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        var id = r.GetString(0);
        return new AttestationFailure
        {
            AttestationId = id,
            At = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
            Error = StoredError(r.IsDBNull(3) ? null : r.GetString(3), r.GetString(2), id, r.IsDBNull(4) ? null : r.GetString(4)),
        };
    }

    /// <summary>Signing attempts since <paramref name="since"/>: successes (signed, resigned) and failures.</summary>
    public (long Succeeded, long Failed) AttemptsSince(DateTimeOffset since)
    {
        using var c = store.Open();
        using var cmd = Command(c, null, """
            SELECT coalesce(sum(event IN ('signed', 'resigned')), 0), coalesce(sum(event IN ('sign-failed', 'resign-failed')), 0)
            FROM attestation_events WHERE ts >= $since AND event IN ('signed', 'resigned', 'sign-failed', 'resign-failed');
            """, "$since");
        Set(cmd, since.ToUnixTimeMilliseconds());
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    /// <summary>A stored failure's error: its code from its own column, its message, and the advice recorded with it.</summary>
    private static OpsError StoredError(string? code, string message, string attestationId, string? action) => new()
    {
        Code = Enum.TryParse<OpsErrorCode>(code, out var parsed) ? parsed : OpsErrorCode.SigningFailed,
        Message = message,
        Target = attestationId,
        RecommendedAction = action,
    };

    /// <summary>
    /// The stored attestations that the batch's items without Force could repeat, read in one query for the whole
    /// batch rather than one per item: those of each item's first subject digest and predicate type, newest first,
    /// by "digest|predicate type". Read before anything of the batch is written, which is the same answer as
    /// asking per item: a row this batch writes is found through the batch's own map before the store is asked.
    /// </summary>
    private static Dictionary<string, List<AttestationRecord>> StoredBySubject(SqliteConnection c, SqliteTransaction tx, (string Prefixes, string Digests)? lookup)
    {
        var found = new Dictionary<string, List<AttestationRecord>>(StringComparer.Ordinal);
        if (lookup is not { } parameters) return found;
        using var cmd = Command(c, tx, StoredBySubjectSql, "$prefixes", "$digests");
        Set(cmd, parameters.Prefixes, parameters.Digests);
        using var r = cmd.ExecuteReader();
        var subjectColumn = Columns.Split(", ").Length;
        while (r.Read())
        {
            var bySubject = r.GetString(subjectColumn) + "|" + r.GetString(subjectColumn + 1);
            if (!found.TryGetValue(bySubject, out var rows)) found[bySubject] = rows = [];
            rows.Add(ReadRow(r));
        }
        return found;
    }

    /// <summary>
    /// The parameters of <see cref="StoredBySubject"/> for a batch (JSON arrays of the first digest of each item without
    /// Force, and of their prefixes), or null when every item has Force.
    /// </summary>
    private static (string Prefixes, string Digests)? Lookup(IReadOnlyList<NewAttestation> batch)
    {
        var digests = batch.Where(b => !b.Force).Select(b => FirstDigest(b.Record)).Distinct(StringComparer.Ordinal).ToList();
        if (digests.Count == 0) return null;
        return (System.Text.Json.JsonSerializer.Serialize(digests.Select(DigestPrefix).Distinct(StringComparer.Ordinal)), System.Text.Json.JsonSerializer.Serialize(digests));
    }

    /// <summary>A batch item with what it is written with: its "already attested" key, its subjects as stored, its "created" event.</summary>
    private sealed record PreparedItem(AttestationRecord Record, bool Force, string SubjectKey, string SubjectsJson, string Created);

    /// <summary>
    /// The "already attested" lookup of <see cref="StoredBySubject"/>: through the digest-prefix index (schema 12), then
    /// the whole digest, so digests that share a prefix are told apart.
    /// </summary>
    internal static readonly string StoredBySubjectSql = $"""
        SELECT {Prefixed("a.")}, s.digest, s.predicate_type FROM attestation_subjects s JOIN attestations a ON a.id = s.attestation_id
        WHERE {DigestPrefixOf("s.digest")} IN (SELECT value FROM json_each($prefixes)) AND s.digest IN (SELECT value FROM json_each($digests))
        ORDER BY a.created_at DESC, a.id DESC;
        """;

    /// <summary>The attestations of one subject digest, for <see cref="List"/>: through the digest-prefix index, then the whole digest.</summary>
    internal static readonly string SubjectDigestFilter = $"a.id IN (SELECT attestation_id FROM attestation_subjects WHERE {DigestPrefixOf("digest")} = $prefix AND digest = $digest)";

    // How many characters of a digest's value the digest-prefix index holds: migration 12 writes the same number.
    private const int DigestPrefixLength = 16;

    // The digest-prefix index's expression (schema 12) over a column: the first characters after the algorithm's
    // colon. SQLite uses an index on an expression only for that expression written alike.
    private static string DigestPrefixOf(string column) => $"substr({column}, instr({column}, ':') + 1, {DigestPrefixLength})";

    /// <summary>What the digest-prefix index holds for <paramref name="digest"/> ("alg:hex"): the first characters of its value.</summary>
    internal static string DigestPrefix(string digest)
    {
        var value = digest.AsSpan(digest.IndexOf(':') + 1);
        return value[..Math.Min(value.Length, DigestPrefixLength)].ToString();
    }

    // The newest stored attestation with exactly this item's predicate type and subject digests, if any.
    private static AttestationRecord? FindExisting(Dictionary<string, List<AttestationRecord>> stored, AttestationRecord record, string wanted)
        => stored.TryGetValue(FirstDigest(record) + "|" + record.PredicateType, out var rows) ? rows.FirstOrDefault(r => SubjectKey(r) == wanted) : null;

    private static string FirstDigest(AttestationRecord record)
    {
        var (alg, hex) = record.Subjects[0].Digest.First();
        return $"{alg}:{hex}";
    }

    // Predicate type and every subject digest, order-independent: what "already attested" compares.
    private static string SubjectKey(AttestationRecord r) => r.PredicateType + "|" + string.Join(",",
        r.Subjects.SelectMany(s => s.Digest.Select(d => $"{d.Key}:{d.Value}")).Order(StringComparer.Ordinal));

    private static AttestationRecord? Find(SqliteConnection c, SqliteTransaction? tx, string id)
    {
        using var cmd = Command(c, tx, $"SELECT {Columns} FROM attestations WHERE id = $id;", "$id");
        Set(cmd, id);
        return Read(cmd).FirstOrDefault();
    }

    private static string Describe(IReadOnlyList<AttestationSubject> subjects)
        => subjects.Count == 1 ? subjects[0].Name : $"{subjects[0].Name} and {subjects.Count - 1} more";

    private static string Prefixed(string alias) => string.Join(", ", Columns.Split(", ").Select(c => alias + c));

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params string[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        return cmd;
    }

    private static void Set(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    private static SqliteCommand EventCommand(SqliteConnection c, SqliteTransaction tx) => Command(c, tx,
        "INSERT INTO attestation_events(attestation_id, ts, event, detail, key_id, actor, error_code, error_action) VALUES ($id, $ts, $event, $detail, $key, $actor, $code, $action);",
        "$id", "$ts", "$event", "$detail", "$key", "$actor", "$code", "$action");

    private static void AddEvent(SqliteCommand ev, string id, DateTimeOffset at, string what, string detail, string? keyId, string actor, OpsError? error = null)
    {
        Set(ev, id, at.ToUnixTimeMilliseconds(), what, detail, keyId, actor, error?.Code.ToString(), error?.RecommendedAction);
        ev.ExecuteNonQuery();
    }

    private static List<AttestationRecord> Read(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<AttestationRecord>();
        while (r.Read()) list.Add(ReadRow(r));
        return list;
    }

    private static AttestationRecord ReadRow(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Type = r.GetString(1),
        PredicateType = r.GetString(2),
        Subjects = AttestationRecord.ParseSubjects(r.GetString(3)),
        Statement = (byte[])r.GetValue(4),
        StatementDigest = r.GetString(5),
        Status = Enum.Parse<AttestationStatus>(r.GetString(6)),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)),
        CreatedBy = r.GetString(8),
        SignedAt = r.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)),
        KeyId = r.IsDBNull(10) ? null : r.GetString(10),
        Algorithm = r.IsDBNull(11) ? null : KeyAlgorithmNames.Parse(r.GetString(11)),
        LegacyEnvelope = r.IsDBNull(12) ? null : (byte[])r.GetValue(12),
        Attempts = r.GetInt32(13),
        LastAttemptAt = r.IsDBNull(14) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(14)),
        FailureCode = r.IsDBNull(15) ? null : r.GetString(15),
        FailureReason = r.IsDBNull(16) ? null : r.GetString(16),
        ClaimedBy = r.IsDBNull(17) ? null : r.GetString(17),
        Signature = r.IsDBNull(18) ? null : (byte[])r.GetValue(18),
        FailureAction = r.IsDBNull(19) ? null : r.GetString(19),
    };
}

using Microsoft.Data.Sqlite;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>The queryable event table behind Get-StellaLog: log events, and audit events written synchronously.</summary>
public sealed class EventStore(StateStore store)
{
    /// <summary>The most rows one query returns, whatever the client asks for.</summary>
    public const int MaxRows = 10_000;

    public void Append(IReadOnlyCollection<LogEvent> events)
    {
        if (events.Count == 0) return;
        store.InTransaction((c, tx) =>
        {
            Insert(c, tx, events);
            return 0;
        }, joinParticipant: false);
    }

    /// <summary>Writes events inside a transaction the caller owns (an audit record committed with the change it describes).</summary>
    public static void Insert(SqliteConnection c, SqliteTransaction tx, IEnumerable<LogEvent> events)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO events(ts, level, component, category, message, exception, caller) VALUES ($ts, $lv, $co, $ca, $m, $ex, $cl);";
        var ts = cmd.Parameters.Add("$ts", SqliteType.Integer);
        var lv = cmd.Parameters.Add("$lv", SqliteType.Integer);
        var co = cmd.Parameters.Add("$co", SqliteType.Text);
        var ca = cmd.Parameters.Add("$ca", SqliteType.Text);
        var m = cmd.Parameters.Add("$m", SqliteType.Text);
        var ex = cmd.Parameters.Add("$ex", SqliteType.Text);
        var cl = cmd.Parameters.Add("$cl", SqliteType.Text);
        foreach (var e in events)
        {
            ts.Value = e.Timestamp.ToUnixTimeMilliseconds();
            lv.Value = (int)e.Level;
            co.Value = e.Component;
            ca.Value = e.Category;
            m.Value = e.Message;
            ex.Value = (object?)e.Exception ?? DBNull.Value;
            cl.Value = (object?)e.Caller ?? DBNull.Value;
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Writes an audit intent (<see cref="AuditIntent"/>): the "started" event and the row naming what is about to
    /// change, in one transaction of their own, before the change; answers the event's id, the intent's id.
    /// </summary>
    public long StartIntent(LogEvent started, string subject, string detail, string intent)
        => store.InTransaction((c, tx) =>
        {
            Insert(c, tx, [started]);
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO audit_intents(event_id, subject, action, caller, detail, started_at, intent)
                VALUES (last_insert_rowid(), $s, $a, $c, $d, $t, $i) RETURNING event_id;
                """;
            cmd.Parameters.AddWithValue("$s", subject);
            cmd.Parameters.AddWithValue("$a", started.Category);
            cmd.Parameters.AddWithValue("$c", (object?)started.Caller ?? "daemon");
            cmd.Parameters.AddWithValue("$d", detail);
            cmd.Parameters.AddWithValue("$t", started.Timestamp.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$i", intent);
            return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }, joinParticipant: false);

    /// <summary>Writes an intent's outcome and drops its row, in one transaction: an intent is open exactly until its outcome is recorded.</summary>
    public void CompleteIntent(long id, LogEvent completion)
        => store.InTransaction((c, tx) =>
        {
            Insert(c, tx, [completion]);
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM audit_intents WHERE event_id = $id;";
            cmd.Parameters.AddWithValue("$id", id);
            return cmd.ExecuteNonQuery();
        }, joinParticipant: false);

    /// <summary>The intents of <paramref name="subject"/> with no outcome yet, oldest first.</summary>
    public IReadOnlyList<AuditIntentRecord> OpenIntents(string subject)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT event_id, subject, action, caller, detail, started_at, intent FROM audit_intents WHERE subject = $s ORDER BY event_id;";
        cmd.Parameters.AddWithValue("$s", subject);
        using var r = cmd.ExecuteReader();
        var list = new List<AuditIntentRecord>();
        while (r.Read())
            list.Add(new AuditIntentRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), r.GetString(6)));
        return list;
    }

    public LogEvent[] Query(LogQuery query)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        var where = new List<string>();
        if (!string.IsNullOrWhiteSpace(query.Component))
        {
            where.Add("component = $co COLLATE NOCASE");
            cmd.Parameters.AddWithValue("$co", query.Component.Trim());
        }
        if (query.MinLevel is { } min)
        {
            where.Add("level >= $lv");
            cmd.Parameters.AddWithValue("$lv", (int)min);
        }
        if (query.Since is { } since)
        {
            where.Add("ts >= $ts");
            cmd.Parameters.AddWithValue("$ts", since.ToUnixTimeMilliseconds());
        }
        if (!string.IsNullOrWhiteSpace(query.Filter))
        {
            // instr() keeps the filter literal: no LIKE wildcards smuggled in from the client.
            where.Add("(instr(lower(message), lower($f)) > 0 OR instr(lower(category), lower($f)) > 0 OR instr(lower(ifnull(exception,'')), lower($f)) > 0)");
            cmd.Parameters.AddWithValue("$f", query.Filter);
        }
        var limit = Math.Clamp(query.Max <= 0 ? MaxRows : query.Max, 1, MaxRows);
        cmd.CommandText = "SELECT id, ts, level, component, category, message, exception, caller FROM events"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + $" ORDER BY id DESC LIMIT {limit};";
        using var r = cmd.ExecuteReader();
        var list = new List<LogEvent>();
        while (r.Read())
        {
            list.Add(new LogEvent
            {
                Id = r.GetInt64(0),
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
                Level = (StellaOps.Ops.Contracts.Rpc.LogLevel)r.GetInt32(2),
                Component = r.GetString(3),
                Category = r.GetString(4),
                Message = r.GetString(5),
                Exception = r.IsDBNull(6) ? null : r.GetString(6),
                Caller = r.IsDBNull(7) ? null : r.GetString(7),
            });
        }
        return [.. list];
    }

    /// <summary>Deletes events older than <paramref name="cutoff"/>, except audit events, which are kept.</summary>
    public int Prune(DateTimeOffset cutoff)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM events WHERE ts < $ts AND component <> 'Audit';";
        cmd.Parameters.AddWithValue("$ts", cutoff.ToUnixTimeMilliseconds());
        return cmd.ExecuteNonQuery();
    }
}

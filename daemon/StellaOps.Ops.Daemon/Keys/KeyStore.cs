using System.Globalization;
using Microsoft.Data.Sqlite;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>Keys and their event history in the state database. Every change and its event commit together.</summary>
public sealed class KeyStore(StateStore store)
{
    private const string Columns = "id, name, type, algorithm, provider, purpose, status, spki, hsm_cka_id, sealed_private_key, location, created_at, not_before, expires_at, activated_at, retired_at, revoked_at, revocation_reason, verify_until, replaced_by, replaces, published_at, alert_level";

    public IReadOnlyList<KeyRecord> All()
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM keys ORDER BY created_at, id;";
        return ReadAll(cmd);
    }

    public KeyRecord? Find(string id)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM keys WHERE id = $id;";
        cmd.Parameters.AddWithValue("$id", id);
        return ReadAll(cmd).FirstOrDefault();
    }

    /// <summary>Keys whose id starts with the prefix (for unambiguous short ids).</summary>
    public IReadOnlyList<KeyRecord> FindByPrefix(string prefix)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM keys WHERE substr(id, 1, length($p)) = $p LIMIT 2;";
        cmd.Parameters.AddWithValue("$p", prefix);
        return ReadAll(cmd);
    }

    public KeyRecord? Active(string purpose, KeyProvider provider)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM keys WHERE purpose = $p AND provider = $v AND status = 'Active';";
        cmd.Parameters.AddWithValue("$p", purpose);
        cmd.Parameters.AddWithValue("$v", provider.ToString());
        return ReadAll(cmd).FirstOrDefault();
    }

    /// <summary>Applies a set of key writes and their events in one transaction.</summary>
    public void Commit(IEnumerable<KeyRecord> upserts, IEnumerable<KeyEvent> events)
    {
        store.InTransaction((c, tx) =>
        {
            // Deactivations first, so the one-active-key index never sees two active keys mid-transaction.
            foreach (var k in upserts.OrderBy(k => k.StoredStatus == KeyStatus.Active ? 1 : 0)) Upsert(c, tx, k);
            foreach (var e in events) Append(c, tx, e);
            return 0;
        });
    }

    public KeyEvent[] History(string? keyId)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, ts, key_id, event, detail, actor FROM key_events" + (keyId is null ? "" : " WHERE key_id = $k") + " ORDER BY seq;";
        if (keyId is not null) cmd.Parameters.AddWithValue("$k", keyId);
        using var r = cmd.ExecuteReader();
        var list = new List<KeyEvent>();
        while (r.Read())
            list.Add(new KeyEvent
            {
                Sequence = r.GetInt64(0),
                Timestamp = Time(r.GetString(1)),
                KeyId = r.GetString(2),
                Event = r.GetString(3),
                Detail = r.GetString(4),
                Actor = r.GetString(5),
            });
        return [.. list];
    }

    /// <summary>Records that a key pair with this CKA_ID is about to be generated in the HSM (before C_GenerateKeyPair).</summary>
    public void AddIntent(HsmKeyIntent intent)
    {
        store.InTransaction((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO hsm_key_intents(cka_id, name, algorithm, slot, requested_at, requested_by) VALUES ($id, $n, $a, $s, $t, $b);";
            cmd.Parameters.AddWithValue("$id", intent.CkaId);
            cmd.Parameters.AddWithValue("$n", intent.Name);
            cmd.Parameters.AddWithValue("$a", intent.Algorithm.ToName());
            cmd.Parameters.AddWithValue("$s", (object?)intent.Slot ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$t", Text(intent.RequestedAt));
            cmd.Parameters.AddWithValue("$b", intent.RequestedBy);
            cmd.ExecuteNonQuery();
            return 0;
        });
    }

    /// <summary>Drops the intent: the key's record is committed, or nothing of it is left on the token.</summary>
    public void CompleteIntent(byte[] ckaId)
    {
        store.InTransaction((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM hsm_key_intents WHERE cka_id = $id;";
            cmd.Parameters.AddWithValue("$id", ckaId);
            cmd.ExecuteNonQuery();
            return 0;
        });
    }

    /// <summary>Key generations that were started and not completed (in progress now, or interrupted by a crash).</summary>
    public IReadOnlyList<HsmKeyIntent> Intents()
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT cka_id, name, algorithm, slot, requested_at, requested_by FROM hsm_key_intents ORDER BY requested_at;";
        using var r = cmd.ExecuteReader();
        var list = new List<HsmKeyIntent>();
        while (r.Read())
            list.Add(new HsmKeyIntent((byte[])r.GetValue(0), r.GetString(1), KeyAlgorithmNames.Parse(r.GetString(2)), r.IsDBNull(3) ? null : r.GetString(3), Time(r.GetString(4)), r.GetString(5)));
        return list;
    }

    private static void Upsert(SqliteConnection c, SqliteTransaction tx, KeyRecord k)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"""
            INSERT INTO keys ({Columns}) VALUES ($id, $name, $type, $alg, $prov, $purpose, $status, $spki, $cka, $sealed, $loc, $created, $nb, $exp, $act, $ret, $rev, $reason, $vu, $rby, $rep, $pub, $alert)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, purpose = excluded.purpose, status = excluded.status, activated_at = excluded.activated_at,
                retired_at = excluded.retired_at, revoked_at = excluded.revoked_at, revocation_reason = excluded.revocation_reason,
                verify_until = excluded.verify_until, replaced_by = excluded.replaced_by, replaces = excluded.replaces,
                published_at = excluded.published_at, alert_level = excluded.alert_level;
            """;
        cmd.Parameters.AddWithValue("$id", k.Id);
        cmd.Parameters.AddWithValue("$name", k.Name);
        cmd.Parameters.AddWithValue("$type", k.Type.ToString());
        cmd.Parameters.AddWithValue("$alg", k.Algorithm.ToName());
        cmd.Parameters.AddWithValue("$prov", k.Provider.ToString());
        cmd.Parameters.AddWithValue("$purpose", k.Purpose);
        cmd.Parameters.AddWithValue("$status", k.StoredStatus.ToString());
        cmd.Parameters.AddWithValue("$spki", k.SubjectPublicKeyInfo);
        cmd.Parameters.AddWithValue("$cka", (object?)k.HsmCkaId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$sealed", (object?)k.SealedPrivateKey ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$loc", k.Location);
        cmd.Parameters.AddWithValue("$created", Text(k.CreatedAt));
        cmd.Parameters.AddWithValue("$nb", Text(k.NotBefore));
        cmd.Parameters.AddWithValue("$exp", Text(k.ExpiresAt));
        cmd.Parameters.AddWithValue("$act", (object?)Text(k.ActivatedAt) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$ret", (object?)Text(k.RetiredAt) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$rev", (object?)Text(k.RevokedAt) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$reason", (object?)k.RevocationReason ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$vu", Text(k.VerifyUntil));
        cmd.Parameters.AddWithValue("$rby", (object?)k.ReplacedBy ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$rep", (object?)k.Replaces ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$pub", (object?)Text(k.PublishedAt) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$alert", k.AlertLevel);
        cmd.ExecuteNonQuery();
    }

    private static void Append(SqliteConnection c, SqliteTransaction tx, KeyEvent e)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO key_events(ts, key_id, event, detail, actor) VALUES ($t, $k, $e, $d, $a);";
        cmd.Parameters.AddWithValue("$t", Text(e.Timestamp));
        cmd.Parameters.AddWithValue("$k", e.KeyId);
        cmd.Parameters.AddWithValue("$e", e.Event);
        cmd.Parameters.AddWithValue("$d", e.Detail);
        cmd.Parameters.AddWithValue("$a", e.Actor);
        cmd.ExecuteNonQuery();
    }

    private static List<KeyRecord> ReadAll(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<KeyRecord>();
        while (r.Read())
        {
            list.Add(new KeyRecord
            {
                Id = r.GetString(0),
                Name = r.GetString(1),
                Type = Enum.Parse<KeyType>(r.GetString(2)),
                Algorithm = KeyAlgorithmNames.Parse(r.GetString(3)),
                Provider = Enum.Parse<KeyProvider>(r.GetString(4)),
                Purpose = r.GetString(5),
                StoredStatus = Enum.Parse<KeyStatus>(r.GetString(6)),
                SubjectPublicKeyInfo = (byte[])r.GetValue(7),
                HsmCkaId = r.IsDBNull(8) ? null : (byte[])r.GetValue(8),
                SealedPrivateKey = r.IsDBNull(9) ? null : (byte[])r.GetValue(9),
                Location = r.GetString(10),
                CreatedAt = Time(r.GetString(11)),
                NotBefore = Time(r.GetString(12)),
                ExpiresAt = Time(r.GetString(13)),
                ActivatedAt = OptTime(r, 14),
                RetiredAt = OptTime(r, 15),
                RevokedAt = OptTime(r, 16),
                RevocationReason = r.IsDBNull(17) ? null : r.GetString(17),
                VerifyUntil = Time(r.GetString(18)),
                ReplacedBy = r.IsDBNull(19) ? null : r.GetString(19),
                Replaces = r.IsDBNull(20) ? null : r.GetString(20),
                PublishedAt = OptTime(r, 21),
                AlertLevel = r.GetInt32(22),
            });
        }
        return list;
    }

    // Fixed-width UTC text sorts like the instants it names.
    private static string Text(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
    private static string? Text(DateTimeOffset? t) => t is { } v ? Text(v) : null;
    private static DateTimeOffset Time(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    private static DateTimeOffset? OptTime(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Time(r.GetString(i));
}

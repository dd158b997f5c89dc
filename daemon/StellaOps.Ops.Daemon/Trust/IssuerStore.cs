using Microsoft.Data.Sqlite;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>The issuers, issuer_keys and issuer_approvals tables. Each change is one transaction with the call's audit record.</summary>
public sealed class IssuerStore(StateStore store)
{
    private const string Columns = "id, source, document_version, document_issued_at, document_signed_by, document, fetched_at, fetched_by, revoked_at, revoked_by, revocation_reason";

    public IReadOnlyList<IssuerRecord> All()
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM issuers ORDER BY id;";
        return ReadIssuers(cmd);
    }

    public IssuerRecord? Find(string id)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM issuers WHERE id = $id;";
        cmd.Parameters.AddWithValue("$id", id);
        return ReadIssuers(cmd).FirstOrDefault();
    }

    public IReadOnlyList<IssuerKeyRecord> Keys(string? issuerId = null)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT issuer_id, key_id, algorithm, spki, not_before, not_after, status FROM issuer_keys"
            + (issuerId is null ? "" : " WHERE issuer_id = $i") + " ORDER BY issuer_id, not_before, key_id;";
        if (issuerId is not null) cmd.Parameters.AddWithValue("$i", issuerId);
        using var r = cmd.ExecuteReader();
        var list = new List<IssuerKeyRecord>();
        while (r.Read())
            list.Add(new IssuerKeyRecord(r.GetString(0), r.GetString(1), KeyAlgorithmNames.Parse(r.GetString(2)), (byte[])r.GetValue(3),
                StoredTime.ParseOrNull(r.GetValue(4)), StoredTime.ParseOrNull(r.GetValue(5)), r.GetString(6)));
        return list;
    }

    public IReadOnlyList<IssuerApprovalRecord> Approvals(string? issuerId = null)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT issuer_id, approver, approver_uid, approved_at, reason FROM issuer_approvals"
            + (issuerId is null ? "" : " WHERE issuer_id = $i") + " ORDER BY seq;";
        if (issuerId is not null) cmd.Parameters.AddWithValue("$i", issuerId);
        using var r = cmd.ExecuteReader();
        var list = new List<IssuerApprovalRecord>();
        while (r.Read()) list.Add(new IssuerApprovalRecord(r.GetString(0), r.GetString(1), r.GetInt32(2), StoredTime.Parse(r.GetString(3)), r.GetString(4)));
        return list;
    }

    /// <summary>Stores an accepted document: the issuer row (revocation kept) and its keys replaced, in one transaction.</summary>
    public void Accept(IssuerRecord issuer, IReadOnlyList<IssuerKeyRecord> keys) => store.InTransaction((c, tx) =>
    {
        using (var cmd = Command(c, tx, $"""
            INSERT INTO issuers({Columns}) VALUES ($id, $s, $v, $ia, $sb, $d, $fa, $fb, NULL, NULL, NULL)
            ON CONFLICT(id) DO UPDATE SET source = excluded.source, document_version = excluded.document_version,
                document_issued_at = excluded.document_issued_at, document_signed_by = excluded.document_signed_by,
                document = excluded.document, fetched_at = excluded.fetched_at, fetched_by = excluded.fetched_by;
            """))
        {
            cmd.Parameters.AddWithValue("$id", issuer.Id);
            cmd.Parameters.AddWithValue("$s", issuer.Source);
            cmd.Parameters.AddWithValue("$v", issuer.DocumentVersion);
            cmd.Parameters.AddWithValue("$ia", StoredTime.Text(issuer.DocumentIssuedAt));
            cmd.Parameters.AddWithValue("$sb", string.Join(",", issuer.DocumentSignedBy));
            cmd.Parameters.AddWithValue("$d", issuer.Document);
            cmd.Parameters.AddWithValue("$fa", StoredTime.Text(issuer.FetchedAt));
            cmd.Parameters.AddWithValue("$fb", issuer.FetchedBy);
            cmd.ExecuteNonQuery();
        }
        using (var delete = Command(c, tx, "DELETE FROM issuer_keys WHERE issuer_id = $id;"))
        {
            delete.Parameters.AddWithValue("$id", issuer.Id);
            delete.ExecuteNonQuery();
        }
        foreach (var k in keys)
        {
            using var insert = Command(c, tx, "INSERT INTO issuer_keys(issuer_id, key_id, algorithm, spki, not_before, not_after, status) VALUES ($i, $k, $a, $p, $nb, $na, $s);");
            insert.Parameters.AddWithValue("$i", issuer.Id);
            insert.Parameters.AddWithValue("$k", k.KeyId);
            insert.Parameters.AddWithValue("$a", k.Algorithm.ToName());
            insert.Parameters.AddWithValue("$p", k.Spki);
            insert.Parameters.AddWithValue("$nb", StoredTime.TextOrNull(k.NotBefore));
            insert.Parameters.AddWithValue("$na", StoredTime.TextOrNull(k.NotAfter));
            insert.Parameters.AddWithValue("$s", k.Status);
            insert.ExecuteNonQuery();
        }
        return 0;
    });

    public void AddApproval(IssuerApprovalRecord approval) => store.InTransaction((c, tx) =>
    {
        using var cmd = Command(c, tx, "INSERT INTO issuer_approvals(issuer_id, approver, approver_uid, approved_at, reason) VALUES ($i, $a, $u, $t, $r);");
        cmd.Parameters.AddWithValue("$i", approval.IssuerId);
        cmd.Parameters.AddWithValue("$a", approval.Approver);
        cmd.Parameters.AddWithValue("$u", approval.ApproverUid);
        cmd.Parameters.AddWithValue("$t", StoredTime.Text(approval.ApprovedAt));
        cmd.Parameters.AddWithValue("$r", approval.Reason);
        return cmd.ExecuteNonQuery();
    });

    public void Revoke(string id, DateTimeOffset at, string by, string reason) => store.InTransaction((c, tx) =>
    {
        using var cmd = Command(c, tx, "UPDATE issuers SET revoked_at = $t, revoked_by = $b, revocation_reason = $r WHERE id = $id;");
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$t", StoredTime.Text(at));
        cmd.Parameters.AddWithValue("$b", by);
        cmd.Parameters.AddWithValue("$r", reason);
        return cmd.ExecuteNonQuery();
    });

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction tx, string sql)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private static List<IssuerRecord> ReadIssuers(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<IssuerRecord>();
        while (r.Read())
        {
            list.Add(new IssuerRecord
            {
                Id = r.GetString(0),
                Source = r.GetString(1),
                DocumentVersion = r.GetInt64(2),
                DocumentIssuedAt = StoredTime.Parse(r.GetString(3)),
                DocumentSignedBy = r.GetString(4).Split(',', StringSplitOptions.RemoveEmptyEntries),
                Document = (byte[])r.GetValue(5),
                FetchedAt = StoredTime.Parse(r.GetString(6)),
                FetchedBy = r.GetString(7),
                RevokedAt = StoredTime.ParseOrNull(r.GetValue(8)),
                RevokedBy = r.IsDBNull(9) ? null : r.GetString(9),
                RevocationReason = r.IsDBNull(10) ? null : r.GetString(10),
            });
        }
        return list;
    }
}

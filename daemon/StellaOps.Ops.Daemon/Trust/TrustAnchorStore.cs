using Microsoft.Data.Sqlite;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>The trust_anchors table. Writes go through <see cref="StateStore.InTransaction{T}"/>, so the call's audit record commits with them.</summary>
public sealed class TrustAnchorStore(StateStore store)
{
    private const string Columns = "id, kind, subject, issuer, serial, algorithm, der, not_before, not_after, added_by, added_at";

    public IReadOnlyList<TrustAnchorRecord> All()
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM trust_anchors ORDER BY added_at, id;";
        return Read(cmd);
    }

    public TrustAnchorRecord? Find(string id)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM trust_anchors WHERE id = $id;";
        cmd.Parameters.AddWithValue("$id", id);
        return Read(cmd).FirstOrDefault();
    }

    public IReadOnlyList<TrustAnchorRecord> FindByPrefix(string prefix)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM trust_anchors WHERE substr(id, 1, length($p)) = $p LIMIT 2;";
        cmd.Parameters.AddWithValue("$p", prefix);
        return Read(cmd);
    }

    /// <summary>Inserts the anchor unless one with its id exists; true when it was inserted.</summary>
    public bool Insert(TrustAnchorRecord anchor) => store.InTransaction((c, tx) =>
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT OR IGNORE INTO trust_anchors({Columns}) VALUES ($id, $k, $s, $i, $n, $a, $d, $nb, $na, $by, $at);";
        cmd.Parameters.AddWithValue("$id", anchor.Id);
        cmd.Parameters.AddWithValue("$k", anchor.Kind.ToString());
        cmd.Parameters.AddWithValue("$s", anchor.Subject);
        cmd.Parameters.AddWithValue("$i", anchor.Issuer);
        cmd.Parameters.AddWithValue("$n", (object?)anchor.SerialNumber ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$a", anchor.Algorithm is { } a ? a.ToName() : DBNull.Value);
        cmd.Parameters.AddWithValue("$d", anchor.Der);
        cmd.Parameters.AddWithValue("$nb", StoredTime.TextOrNull(anchor.NotBefore));
        cmd.Parameters.AddWithValue("$na", StoredTime.TextOrNull(anchor.NotAfter));
        cmd.Parameters.AddWithValue("$by", anchor.AddedBy);
        cmd.Parameters.AddWithValue("$at", StoredTime.Text(anchor.AddedAt));
        return cmd.ExecuteNonQuery() == 1;
    });

    public bool Delete(string id) => store.InTransaction((c, tx) =>
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM trust_anchors WHERE id = $id;";
        cmd.Parameters.AddWithValue("$id", id);
        return cmd.ExecuteNonQuery() == 1;
    });

    private static List<TrustAnchorRecord> Read(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<TrustAnchorRecord>();
        while (r.Read())
        {
            list.Add(new TrustAnchorRecord
            {
                Id = r.GetString(0),
                Kind = Enum.Parse<TrustAnchorKind>(r.GetString(1)),
                Subject = r.GetString(2),
                Issuer = r.GetString(3),
                SerialNumber = r.IsDBNull(4) ? null : r.GetString(4),
                Algorithm = r.IsDBNull(5) ? null : KeyAlgorithmNames.Parse(r.GetString(5)),
                Der = (byte[])r.GetValue(6),
                NotBefore = StoredTime.ParseOrNull(r.GetValue(7)),
                NotAfter = StoredTime.ParseOrNull(r.GetValue(8)),
                AddedBy = r.GetString(9),
                AddedAt = StoredTime.Parse(r.GetString(10)),
            });
        }
        return list;
    }
}

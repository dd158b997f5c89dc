using StellaOps.Ops.Attestation.Certificates;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>The key_certificates table: one certificate (leaf + chain) per key.</summary>
public sealed class KeyCertificateStore(StateStore store)
{
    public KeyCertificateRecord? Find(string keyId)
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT key_id, leaf_der, chain_pem, set_by, set_at FROM key_certificates WHERE key_id = $k;";
        cmd.Parameters.AddWithValue("$k", keyId);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new KeyCertificateRecord
        {
            KeyId = r.GetString(0),
            Leaf = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate((byte[])r.GetValue(1)),
            Chain = CertificatePem.ReadAll(r.GetString(2)),
            SetBy = r.GetString(3),
            SetAt = StoredTime.Parse(r.GetString(4)),
        };
    }

    public void Upsert(KeyCertificateRecord record) => store.InTransaction((c, tx) =>
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO key_certificates(key_id, leaf_der, chain_pem, set_by, set_at) VALUES ($k, $l, $c, $b, $t)
            ON CONFLICT(key_id) DO UPDATE SET leaf_der = excluded.leaf_der, chain_pem = excluded.chain_pem, set_by = excluded.set_by, set_at = excluded.set_at;
            """;
        cmd.Parameters.AddWithValue("$k", record.KeyId);
        cmd.Parameters.AddWithValue("$l", record.Leaf.RawData);
        cmd.Parameters.AddWithValue("$c", CertificatePem.Write(record.Chain));
        cmd.Parameters.AddWithValue("$b", record.SetBy);
        cmd.Parameters.AddWithValue("$t", StoredTime.Text(record.SetAt));
        return cmd.ExecuteNonQuery();
    });
}

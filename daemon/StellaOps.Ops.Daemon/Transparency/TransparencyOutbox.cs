using Microsoft.Data.Sqlite;
using StellaOps.Ops.Daemon.Attestor;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>
/// Queues every signed (or re-signed) attestation for the transparency log in the very transaction that records the
/// signature: evidence first, and the queue entry can never be lost apart from it. With no log configured nothing
/// is queued (the attestation stays Signed; the doctor says how to configure one).
/// </summary>
public sealed class TransparencyOutbox(TransparencyBackends backends, TransparencySignal signal) : IAttestationSignedHook
{
    public void Signed(SqliteConnection connection, SqliteTransaction transaction, string attestationId, string keyId, DateTimeOffset at)
    {
        if (!backends.IsConfigured) return;
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = """
            INSERT INTO tlog_outbox(attestation_id, key_id, enqueued_at, attempts) VALUES ($id, $key, $at, 0)
            ON CONFLICT(attestation_id) DO UPDATE SET key_id = excluded.key_id, enqueued_at = excluded.enqueued_at, attempts = 0, last_error = NULL;
            """;
        cmd.Parameters.AddWithValue("$id", attestationId);
        cmd.Parameters.AddWithValue("$key", keyId);
        cmd.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        cmd.ExecuteNonQuery();
        signal.Wake();
    }
}

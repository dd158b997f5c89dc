using Microsoft.Data.Sqlite;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>
/// Work that must commit with a signature: called inside the transaction that records an attestation as signed
/// (or re-signed), after the signature is written. The transparency-log outbox queues the attestation here, so a
/// crash can lose neither the queue entry nor the signature alone.
/// </summary>
public interface IAttestationSignedHook
{
    void Signed(SqliteConnection connection, SqliteTransaction transaction, string attestationId, string keyId, DateTimeOffset at);
}

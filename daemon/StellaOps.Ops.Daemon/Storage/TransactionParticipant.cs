using Microsoft.Data.Sqlite;

namespace StellaOps.Ops.Daemon.Storage;

/// <summary>
/// Work that joins the write transactions of one async flow before they commit. The RPC layer puts the audit
/// record of the call being served here, so every <see cref="StateStore.InTransaction{T}"/> a service runs for
/// that call commits the change and its audit record together: a crash can lose both, never only the record.
/// </summary>
public abstract class TransactionParticipant
{
    private static readonly AsyncLocal<TransactionParticipant?> Ambient = new();

    /// <summary>The participant of the current async flow, or null outside an RPC that needs one.</summary>
    public static TransactionParticipant? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }

    /// <summary>Called inside the transaction, after its work and before its commit.</summary>
    public abstract void BeforeCommit(SqliteConnection connection, SqliteTransaction transaction);

    /// <summary>Called once the transaction has committed (not when it rolled back).</summary>
    public abstract void AfterCommit();
}

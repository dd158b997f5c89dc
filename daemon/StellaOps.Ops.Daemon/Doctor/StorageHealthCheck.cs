using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Doctor;

/// <summary>The state database answers, passes SQLite's own consistency check, and takes a write.</summary>
public sealed class StorageHealthCheck(StateStore store) : IHealthCheck
{
    public string Id => "check.daemon.storage";
    public string Description => "The state database is readable, consistent and writable.";

    public Task<DoctorResult> RunAsync(CancellationToken cancellationToken)
    {
        using var c = store.Open();
        using var check = c.CreateCommand();
        check.CommandText = "PRAGMA quick_check;";
        var verdict = check.ExecuteScalar() as string ?? "";
        using var mode = c.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode;";
        var journal = mode.ExecuteScalar() as string ?? "";
        using var write = c.CreateCommand();
        write.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
        write.ExecuteNonQuery();
        var free = new DriveInfo(Path.GetDirectoryName(store.DatabasePath)!).AvailableFreeSpace;

        var evidence = new Dictionary<string, string>
        {
            ["database"] = store.DatabasePath,
            ["schemaVersion"] = store.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["quickCheck"] = verdict,
            ["journalMode"] = journal,
            ["freeBytes"] = free.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var (status, message, fix) = verdict != "ok"
            ? (DoctorStatus.Fail, $"SQLite reports damage: {verdict}", "Stop the daemon and restore the state directory from backup.")
            : free < 64L * 1024 * 1024
                ? (DoctorStatus.Warn, $"Only {free / (1024 * 1024)} MiB free beside the database.", "Free disk space: evidence cannot be recorded on a full disk.")
                : (DoctorStatus.Pass, $"Database consistent ({journal}, schema v{store.SchemaVersion}).", (string?)null);
        return Task.FromResult(new DoctorResult { Check = Id, Status = status, Message = message, Remediation = fix, Evidence = evidence });
    }
}

using System.Globalization;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Doctor;

namespace StellaOps.Ops.Daemon.Storage;

/// <summary>
/// The state database answers, passes SQLite's own consistency check and takes a write; its disk has room;
/// nobody but the daemon's user (or root) can change the state directory, the database or the keys; and the master
/// key is there when software keys are sealed under it.
/// </summary>
public sealed class StorageHealthCheck(StateStore store, StatePermissions permissions) : IHealthCheck
{
    public string Id => "check.daemon.storage";
    public string Description => "The state database is readable, consistent and writable, its disk has room, and only the daemon's user can change its files.";

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
        var directory = Path.GetDirectoryName(store.DatabasePath)!;
        var free = StorageSpace.FreeBytes(directory);
        var untrusted = permissions.Inspect();
        using var keys = c.CreateCommand();
        keys.CommandText = "SELECT count(*) FROM keys WHERE sealed_private_key IS NOT NULL AND status <> 'Revoked';";
        var sealedKeys = Convert.ToInt64(keys.ExecuteScalar(), CultureInfo.InvariantCulture);
        var masterMissing = sealedKeys > 0 && !File.Exists(permissions.MasterKeyPath);

        var evidence = new Dictionary<string, string>
        {
            ["database"] = store.DatabasePath,
            ["schemaVersion"] = store.SchemaVersion.ToString(CultureInfo.InvariantCulture),
            ["quickCheck"] = verdict,
            ["journalMode"] = journal,
            ["freeBytes"] = free.ToString(CultureInfo.InvariantCulture),
            ["permissions"] = untrusted.Count == 0 ? "ok" : string.Join("; ", untrusted),
            ["sealedSoftwareKeys"] = sealedKeys.ToString(CultureInfo.InvariantCulture),
        };
        var (status, message, fix) =
            verdict != "ok" ? (DoctorStatus.Fail, $"SQLite reports damage: {verdict}", "Stop the daemon and restore the state directory from backup.")
            : untrusted.Count > 0 ? (DoctorStatus.Fail, $"{string.Join("; ", untrusted)}: someone other than the daemon's user could read or change the evidence or the software keys.", untrusted[0].Fix)
            : masterMissing ? (DoctorStatus.Fail, $"{sealedKeys} software key(s) are sealed under the master key {permissions.MasterKeyPath}, which is missing: they cannot sign.",
                Keys.SoftwareKeyVault.RestoreAdvice(permissions.MasterKeyPath))
            : free < StorageSpace.MinimumFreeBytes ? Full(directory)
            : free < StorageSpace.LowFreeBytes ? (DoctorStatus.Warn, $"Only {free / (1024 * 1024)} MiB free on the disk holding the state directory {directory}.", "Free disk space: evidence cannot be recorded on a full disk.")
            : (DoctorStatus.Pass, $"Database consistent ({journal}, schema v{store.SchemaVersion}).", (string?)null);
        return Task.FromResult(new DoctorResult { Check = Id, Status = status, Message = message, Remediation = fix, Evidence = evidence });
    }

    private static (DoctorStatus, string, string?) Full(string directory)
    {
        var full = StorageSpace.Full(directory, "nothing more can be recorded (evidence, audit, settings, keys).");
        return (DoctorStatus.Fail, full.Message, full.RecommendedAction);
    }
}

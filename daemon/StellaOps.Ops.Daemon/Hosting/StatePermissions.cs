using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Daemon.Hosting;

/// <summary>
/// Who can change (or read) the state: the state directory, the database with its -wal and -shm, the keys directory
/// and the master key that seals the software private keys. Made in advance by another user, any of them would hand
/// that user the evidence or every software key; so they must be real files and directories (no links), owned by the
/// daemon's user or root, and not writable by group or others (the master key: not readable by them either).
/// Checked at start (the daemon refuses to start), by the storage doctor check, and before the master key is used.
/// </summary>
public sealed class StatePermissions(DaemonPaths paths)
{
    private const string StateConsequence =
        "stella-opsd will not use it, because whoever controls it could read or change the evidence and the sealed software keys.";
    private const string KeyConsequence =
        "stella-opsd will not use the software keys, because whoever controls it could unseal every software private key.";

    public string KeysDirectory => Path.Combine(paths.StateDirectory, "keys");
    public string MasterKeyPath => Path.Combine(KeysDirectory, "master.key");

    /// <summary>Creates the state directory (0700) if it is missing, then refuses with <see cref="OpsErrorCode.UntrustedPath"/> if anything in it is not safe.</summary>
    public void Demand()
    {
        if (OperatingSystem.IsWindows()) return;
        if (UnixFileStatus.Of(paths.StateDirectory) is null)
            Directory.CreateDirectory(paths.StateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (Inspect().FirstOrDefault() is { } first) throw first.ToException(ConsequenceFor(first));
    }

    /// <summary>The keys directory and the master key, before the key is made or read.</summary>
    public void DemandKeys()
    {
        if (OperatingSystem.IsWindows()) return;
        var trust = PathTrust.ForThisProcess();
        var problem = (UnixFileStatus.Of(KeysDirectory) is null ? null : trust.CheckDirectory(KeysDirectory)) ?? trust.CheckFile(MasterKeyPath, secret: true);
        if (problem is not null) throw problem.ToException(KeyConsequence);
    }

    /// <summary>Every problem found, for the doctor; empty when all is well. Missing files are fine: the daemon makes them.</summary>
    public IReadOnlyList<PathTrustProblem> Inspect()
    {
        if (OperatingSystem.IsWindows()) return [];
        var trust = PathTrust.ForThisProcess();
        var database = Path.Combine(paths.StateDirectory, "opsd.db");
        var checks = new List<PathTrustProblem?>
        {
            trust.CheckDirectory(paths.StateDirectory),
            trust.CheckFile(database),
            trust.CheckFile(database + "-wal"),
            trust.CheckFile(database + "-shm"),
            UnixFileStatus.Of(KeysDirectory) is null ? null : trust.CheckDirectory(KeysDirectory),
            trust.CheckFile(MasterKeyPath, secret: true),
        };
        return [.. checks.OfType<PathTrustProblem>().DistinctBy(p => p.Path)];
    }

    private string ConsequenceFor(PathTrustProblem problem)
        => problem.Path.StartsWith(KeysDirectory, StringComparison.Ordinal) ? KeyConsequence : StateConsequence;
}

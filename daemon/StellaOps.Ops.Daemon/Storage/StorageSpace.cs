using System.Globalization;
using Microsoft.Data.Sqlite;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Storage;

/// <summary>
/// Room left on the file system of the state directory, and the one error for "it is full": every write the daemon
/// makes (evidence, audit, settings, keys) goes there, so a full disk stops all of them.
/// </summary>
public static class StorageSpace
{
    /// <summary>Below this the daemon cannot promise to record anything: start refuses, the storage check fails.</summary>
    public const long MinimumFreeBytes = 1L << 20;

    /// <summary>Below this the storage check warns.</summary>
    public const long LowFreeBytes = 64L << 20;

    private const int SqliteFull = 13;

    public static long FreeBytes(string directory) => new DriveInfo(directory).AvailableFreeSpace;

    /// <summary>SQLite's "database or disk is full" (SQLITE_FULL).</summary>
    public static bool IsDiskFull(Exception ex) => ex is SqliteException { SqliteErrorCode: SqliteFull };

    /// <summary>The typed error (<see cref="OpsErrorCode.StorageFull"/>) for the state directory's disk.</summary>
    public static OpsException Full(string directory, string consequence)
    {
        var free = TryFreeBytes(directory);
        return new OpsException(OpsErrorCode.StorageFull,
            $"The disk holding the state directory {directory} is full ({(free is { } f ? f.ToString("N0", CultureInfo.InvariantCulture) + " bytes" : "no space")} free): {consequence}",
            directory,
            $"Free space on that file system ('df -h {directory}' shows it): remove other files there or grow the volume. " +
            $"The daemon records again as soon as there is room ({MinimumFreeBytes / (1024 * 1024)} MiB at least); what it acknowledged before is kept.");
    }

    private static long? TryFreeBytes(string directory)
    {
        try { return FreeBytes(directory); }
        catch (IOException) { return null; }
    }
}

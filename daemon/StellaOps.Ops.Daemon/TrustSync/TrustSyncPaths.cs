using System.Text.Json;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Tuf;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// Where trust sync keeps its state, below the daemon's state directory: <c>tuf/metadata</c> (the TUF client's
/// cache), <c>tuf/targets</c> (verified targets), <c>tuf/roots</c> (every root version trusted so far, for
/// snapshots that rotate an older client) and <c>tuf/repository.json</c> (the repository URLs).
/// </summary>
public sealed class TrustSyncPaths(DaemonPaths paths)
{
    public string Directory { get; } = Path.Combine(paths.StateDirectory, "tuf");
    public string Metadata => Path.Combine(Directory, "metadata");
    public string Targets => Path.Combine(Directory, "targets");
    public string Roots => Path.Combine(Directory, "roots");
    public const string RepositoryFileName = "repository.json";

    public string RepositoryFile => Path.Combine(Directory, RepositoryFileName);

    public PathTrust? PathTrust => OperatingSystem.IsWindows() ? null : Contracts.Unix.PathTrust.ForThisProcess();

    public TrustRepository? ReadRepository()
    {
        if (!File.Exists(RepositoryFile)) return null;
        CheckFile(RepositoryFile);
        var doc = JsonSerializer.Deserialize<JsonElement>(File.ReadAllBytes(RepositoryFile));
        return new TrustRepository(doc.GetProperty("tufUrl").GetString()!, doc.GetProperty("targetsUrl").GetString()!);
    }

    public void WriteRepository(TrustRepository repository) =>
        WriteAtomically(RepositoryFile, JsonSerializer.SerializeToUtf8Bytes(new { tufUrl = repository.TufUrl, targetsUrl = repository.TargetsUrl }));

    /// <summary>Writes beside the target, flushes, renames into place: a crash leaves the old file or the new one.</summary>
    public void WriteAtomically(string path, byte[] data)
    {
        var dir = Path.GetDirectoryName(path)!;
        EnsureDirectory(dir);
        var temp = Path.Combine(dir, "." + Path.GetFileName(path) + ".new");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(data);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw TufErrors.WriteFailed(path, e);
        }
    }

    public void EnsureDirectory(string dir)
    {
        if (!System.IO.Directory.Exists(dir))
        {
            try
            {
                if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(dir);
                else System.IO.Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw TufErrors.WriteFailed(dir, e);
            }
        }
        if (!OperatingSystem.IsWindows() && PathTrust?.CheckDirectory(dir) is { } problem) throw problem.ToException("trust sync does not keep its state there");
    }

    private void CheckFile(string path)
    {
        if (!OperatingSystem.IsWindows() && PathTrust?.CheckFile(path) is { } problem) throw problem.ToException("trust sync does not read it");
    }
}

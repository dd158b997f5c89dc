using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// One directory of the client's local state (metadata or targets): every read and write first checks the directory
/// and the file with <see cref="PathTrust"/> (no link, owned by this user or root, not writable by others), writes go
/// to a temporary file in the same directory that is flushed and renamed over the old one, so a crash leaves the old
/// or the new file, never half of one.
/// </summary>
public sealed class TufLocalCache
{
    private readonly PathTrust? _trust;

    public TufLocalCache(string directory, PathTrust? trust = null)
    {
        Directory = Path.GetFullPath(directory);
        _trust = OperatingSystem.IsWindows() ? null : trust ?? PathTrust.ForThisProcess();
    }

    public string Directory { get; }

    public string PathOf(string fileName) => Path.Combine(Directory, fileName);

    /// <summary>Creates the directory (mode 0755 on Unix) when missing, then checks it.</summary>
    public void EnsureDirectory()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
            else System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        CheckDirectory();
    }

    public void CheckDirectory()
    {
        if (_trust is not null && !OperatingSystem.IsWindows() && _trust.CheckDirectory(Directory) is { } problem) throw Untrusted(problem);
    }

    /// <summary>The file's bytes, or null when it does not exist; more than <paramref name="maxLength"/> bytes is refused.</summary>
    public byte[]? Read(string fileName, long maxLength)
    {
        var path = PathOf(fileName);
        CheckFile(path);
        if (!File.Exists(path)) return null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > maxLength) throw TufErrors.LengthExceeded(fileName, maxLength, "the limit for it (local cache)");
        var data = new byte[stream.Length];
        stream.ReadExactly(data);
        return data;
    }

    public bool Exists(string fileName) => File.Exists(PathOf(fileName));

    public void Write(string fileName, ReadOnlySpan<byte> data)
    {
        CheckDirectory();
        var path = PathOf(fileName);
        CheckFile(path);
        var temp = PathOf($".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            using (var stream = new FileStream(temp, options))
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
        finally
        {
            try { if (File.Exists(temp)) File.Delete(temp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the temp name is never read; the write's own failure is what counts */ }
        }
    }

    public void Delete(string fileName)
    {
        var path = PathOf(fileName);
        CheckFile(path);
        if (File.Exists(path)) File.Delete(path);
    }

    private void CheckFile(string path)
    {
        if (_trust is not null && !OperatingSystem.IsWindows() && _trust.CheckFile(path) is { } problem) throw Untrusted(problem);
    }

    private static OpsException Untrusted(PathTrustProblem problem) =>
        new(OpsErrorCode.TufCacheUntrusted, $"The TUF cache path {problem.Path} {problem.Reason}: it is not used.", problem.Path, problem.Fix);
}

using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Hsm;

/// <summary>
/// A new PIN for a PIN file, in the order that keeps the token and the file in step: <see cref="Stage"/> writes the
/// new PIN beside the file first (<c>&lt;file&gt;.new</c>: exclusive create, so an existing name — a symbolic link or a
/// file planted by someone else — is refused, never followed; mode 0600; file and directory fsynced); then the caller
/// changes the PIN on the token; then <see cref="Commit"/> renames it over the file (and fsyncs the directory), or
/// <see cref="Discard"/> removes it when the token refused the change. Never holds the PIN after <see cref="Stage"/>.
/// </summary>
public sealed class HsmPinFileChange
{

    private HsmPinFileChange(string path, string staged, string directory)
    {
        Path = path;
        StagedPath = staged;
        Directory = directory;
    }

    /// <summary>The PIN file the daemon reads at login.</summary>
    public string Path { get; }
    /// <summary>The new PIN, written and synced, until <see cref="Commit"/> or <see cref="Discard"/>.</summary>
    public string StagedPath { get; }
    public string Directory { get; }

    /// <summary>The name a change stages the new PIN under.</summary>
    public static string StagedPathOf(string path) => System.IO.Path.GetFullPath(path) + ".new";

    /// <summary>Writes <paramref name="pin"/> to <c>&lt;path&gt;.new</c>. Nothing is left behind when this throws.</summary>
    /// <exception cref="HsmPinFileException">The directory is not trusted, the staging name exists, or the write failed.</exception>
    public static HsmPinFileChange Stage(string path, ReadOnlySpan<byte> pin)
    {
        string full = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(full) ?? throw new HsmPinFileException(HsmPinFileProblem.UntrustedDirectory, $"The PIN file '{full}' has no directory.", full);
        string staged = full + ".new";
        CheckDirectory(directory, full);

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        FileStream stream;
        try
        {
            // O_CREAT|O_EXCL: fails on any existing name, a symbolic link included (POSIX: the link is not followed).
            stream = new FileStream(staged, options);
        }
        catch (IOException) when (Exists(staged) is { } what)
        {
            throw new HsmPinFileException(HsmPinFileProblem.StagingFileExists,
                $"'{staged}' already exists ({what}); the daemon writes the new PIN there and does not reuse or follow an existing name. The PIN was not changed: the token and '{full}' still have the current PIN.",
                staged,
                $"If you did not leave it there, someone with write access to '{directory}' did: find out who, remove it (rm '{staged}'), and check who can write to '{directory}'. If an earlier PIN change was interrupted, it holds that change's new PIN: move it over '{full}' only if the token has that PIN (log in with it), else remove it. Then change the PIN again.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotWritten(staged, full, e);
        }

        try
        {
            using (stream)
            {
                stream.Write(pin);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows()) UnixDirectory.Sync(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(staged);
            throw NotWritten(staged, full, e);
        }

        return new HsmPinFileChange(full, staged, directory);
    }

    /// <summary>
    /// Replaces the PIN file with the staged one (rename, then fsync of the directory). Throws only when the rename
    /// failed (the file still has the old PIN); false when the rename is done but the directory could not be synced.
    /// </summary>
    public bool Commit()
    {
        File.Move(StagedPath, Path, overwrite: true);
        if (OperatingSystem.IsWindows()) return true;
        try
        {
            UnixDirectory.Sync(Directory);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Removes the staged file (the token kept its PIN). Best effort: says whether it is gone.</summary>
    public bool Discard() => TryDelete(StagedPath);

    /// <summary>What is at <c>&lt;path&gt;.new</c> (an interrupted change or a planted name), or null when nothing is.</summary>
    public static string? Leftover(string path) => Exists(StagedPathOf(path));

    private static void CheckDirectory(string directory, string file)
    {
        if (OperatingSystem.IsWindows()) return;
        if (!System.IO.Directory.Exists(directory))
            throw new HsmPinFileException(HsmPinFileProblem.UntrustedDirectory, $"The directory '{directory}' of the PIN file does not exist.", directory);
        // The same rule as reading the PIN (HsmPin.UntrustedPinFile): whoever owns or may write to the file or a
        // directory above it can swap the file.
        if (HsmPin.UntrustedPinFile(file) is { } problem)
            throw new HsmPinFileException(HsmPinFileProblem.UntrustedDirectory,
                $"The PIN file {problem}, so someone else could swap it. The PIN was not changed.", problem.Path,
                $"{problem.Fix} Then change the PIN again.");
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string Describe(UnixFileStatus st) => (st.Kind switch
    {
        UnixFileKind.SymbolicLink => "a symbolic link",
        UnixFileKind.RegularFile => "a regular file",
        UnixFileKind.Directory => "a directory",
        _ => "a special file",
    }) + $" owned by uid {st.UserId}, mode {st.OctalMode}";

    private static HsmPinFileException NotWritten(string staged, string full, Exception e) => new(HsmPinFileProblem.WriteFailed,
        $"The new PIN could not be written to '{staged}' ({Reason(e)}). The PIN was not changed: the token and '{full}' still have the current PIN.",
        staged, $"Make room or write access in '{System.IO.Path.GetDirectoryName(full)}' (df -h, mount options, permissions), then change the PIN again.", e);

    /// <summary>The exception's kind and message: an OS reason (disk full, read-only file system), never a PIN.</summary>
    internal static string Reason(Exception e) => $"{e.GetType().Name}: {e.Message}";

    private static string? Exists(string path)
    {
        if (OperatingSystem.IsWindows()) return File.Exists(path) || System.IO.Directory.Exists(path) ? "a file" : null;
        try
        {
            return UnixFileStatus.Of(path) is { } st ? Describe(st) : null;
        }
        catch (IOException e)
        {
            return "not readable: " + e.Message;
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

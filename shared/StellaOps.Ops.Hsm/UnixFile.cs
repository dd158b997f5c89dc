using System.Runtime.InteropServices;

namespace StellaOps.Ops.Hsm;

/// <summary>
/// The few file system calls the BCL does not offer: the owner and type of a path without following a symbolic link
/// (statx, whose layout is the same on every Linux architecture) and fsync of a directory, which makes a created or
/// renamed name durable. Linux and other Unix only; callers skip them on Windows.
/// </summary>
internal static unsafe partial class UnixFile
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int ENOENT = 2;
    private const int OCloexec = 0x80000;

    public const int TypeMask = 0xF000;
    public const int Symlink = 0xA000;
    public const int Regular = 0x8000;
    public const int Directory = 0x4000;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint EffectiveUserId();

    /// <summary>Owner, group, mode (with the type bits) of <paramref name="path"/>; null when nothing is there.</summary>
    public static Status? Stat(string path, bool followSymlink)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, followSymlink ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == ENOENT) return null;
            throw new IOException($"statx('{path}') failed with errno {errno}.");
        }

        // struct statx: stx_uid at 20, stx_gid at 24, stx_mode (16 bits) at 28.
        return new Status(*(uint*)(buffer + 20), *(uint*)(buffer + 24), *(ushort*)(buffer + 28));
    }

    /// <summary>fsync of a directory: the names created, renamed or removed in it survive a crash.</summary>
    public static void SyncDirectory(string directory)
    {
        int fd = Open(directory, OCloexec); // O_RDONLY
        if (fd < 0) throw new IOException($"open('{directory}') for fsync failed with errno {Marshal.GetLastPInvokeError()}.");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync('{directory}') failed with errno {Marshal.GetLastPInvokeError()}.");
        }
        finally
        {
            Close(fd);
        }
    }

    public readonly record struct Status(uint Uid, uint Gid, int Mode)
    {
        public int Type => Mode & TypeMask;
        public int Permissions => Mode & 0xFFF;
        public string Describe() => (Type switch
        {
            Symlink => "a symbolic link",
            Regular => "a regular file",
            Directory => "a directory",
            _ => "a special file",
        }) + $" owned by uid {Uid}, mode {Convert.ToString(Permissions, 8).PadLeft(4, '0')}";
    }
}

using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace StellaOps.Ops.Contracts.Unix;

/// <summary>
/// fsync of a directory, which the BCL does not offer: the names created, renamed or removed in it survive a crash
/// (a file's own fsync does not make its new name durable).
/// </summary>
[UnsupportedOSPlatform("windows")]
public static partial class UnixDirectory
{
    private const int OCloexec = 0x80000;

    public static void Sync(string directory)
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

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace StellaOps.Ops.Contracts.Unix;

/// <summary>
/// What the kernel says about a path itself, never following a symbolic link at its end (lstat semantics):
/// type, owner, permission bits, and the device and inode that identify it. Read with statx(2), whose
/// structure has the same layout on every architecture (struct stat does not).
/// </summary>
[UnsupportedOSPlatform("windows")]
public readonly partial record struct UnixFileStatus(UnixFileKind Kind, uint UserId, uint GroupId, UnixFileMode Mode, ulong Device, ulong Inode)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    /// <summary>Permission bits only (no file type), including setuid/setgid/sticky.</summary>
    public UnixFileMode Permissions => Mode & (UnixFileMode)0xFFF;

    public bool IsSticky => (Mode & UnixFileMode.StickyBit) != 0;

    /// <summary>Group or others may write (create, rename or delete entries of a directory).</summary>
    public bool WritableByOthers => (Mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0;

    /// <summary>Group or others have any permission at all.</summary>
    public bool AccessibleByOthers => (Mode & (UnixFileMode)0x3F) != 0;

    /// <summary>The permission bits as chmod writes them, e.g. <c>0755</c> or <c>1777</c>.</summary>
    public string OctalMode => "0" + Convert.ToString((int)Permissions, 8).PadLeft(3, '0');

    /// <summary>The status of <paramref name="path"/> itself, or null when nothing is there.</summary>
    public static unsafe UnixFileStatus? Of(string path)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR) return null;
            throw new IOException($"Cannot inspect {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
        }
        var b = new ReadOnlySpan<byte>(buffer, 256);
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(b[20..]);
        var gid = BinaryPrimitives.ReadUInt32LittleEndian(b[24..]);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(b[28..]);
        var inode = BinaryPrimitives.ReadUInt64LittleEndian(b[32..]);
        var devMajor = BinaryPrimitives.ReadUInt32LittleEndian(b[136..]);
        var devMinor = BinaryPrimitives.ReadUInt32LittleEndian(b[140..]);
        var kind = (mode & 0xF000) switch
        {
            0x4000 => UnixFileKind.Directory,
            0x8000 => UnixFileKind.RegularFile,
            0xA000 => UnixFileKind.SymbolicLink,
            0xC000 => UnixFileKind.Socket,
            _ => UnixFileKind.Other,
        };
        return new UnixFileStatus(kind, uid, gid, (UnixFileMode)(mode & 0xFFF), ((ulong)devMajor << 32) | devMinor, inode);
    }

    /// <summary>Same file system object (device and inode), e.g. "is this still the socket this process bound?".</summary>
    public bool IsSameObject(UnixFileStatus other) => Device == other.Device && Inode == other.Inode;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}

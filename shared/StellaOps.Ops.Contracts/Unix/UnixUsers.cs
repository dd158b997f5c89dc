using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace StellaOps.Ops.Contracts.Unix;

/// <summary>
/// User and group lookups through libc, so NSS sources (LDAP, sssd) answer as they do for the rest of the system.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static unsafe partial class UnixUsers
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public nint Name;
        public nint Password;
        public uint Uid;
        public uint Gid;
        public nint Gecos;
        public nint Dir;
        public nint Shell;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Group
    {
        public nint Name;
        public nint Password;
        public uint Gid;
        public nint Members;
    }

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static partial int GetPwUid(uint uid, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetPwNam(string name, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getgrgid_r")]
    private static partial int GetGrGid(uint gid, Group* grp, byte* buf, nuint buflen, Group** result);

    [LibraryImport("libc", EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetGrNam(string name, Group* grp, byte* buf, nuint buflen, Group** result);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chown(string path, int owner, int group);

    public static string? UserName(uint uid)
    {
        var buf = stackalloc byte[16384];
        Passwd pwd;
        Passwd* result;
        return GetPwUid(uid, &pwd, buf, 16384, &result) == 0 && result != null ? Marshal.PtrToStringUTF8(pwd.Name) : null;
    }

    public static uint? UserId(string name)
    {
        var buf = stackalloc byte[16384];
        Passwd pwd;
        Passwd* result;
        return GetPwNam(name, &pwd, buf, 16384, &result) == 0 && result != null ? pwd.Uid : null;
    }

    /// <summary>"name (uid N)" for messages, or "uid N" for a uid without an account.</summary>
    public static string Describe(uint uid) => UserName(uid) is { } name ? $"{name} (uid {uid})" : $"uid {uid}";

    public static string? GroupName(uint gid)
    {
        var buf = stackalloc byte[16384];
        Group grp;
        Group* result;
        return GetGrGid(gid, &grp, buf, 16384, &result) == 0 && result != null ? Marshal.PtrToStringUTF8(grp.Name) : null;
    }

    public static uint? GroupId(string name)
    {
        var buf = stackalloc byte[65536];
        Group grp;
        Group* result;
        return GetGrNam(name, &grp, buf, 65536, &result) == 0 && result != null ? grp.Gid : null;
    }
}

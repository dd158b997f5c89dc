using System.Text;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Hsm;

/// <summary>Ready-made PIN providers.</summary>
public static class HsmPin
{
    /// <summary>
    /// The one PIN-file permission rule (the library and the daemon both use it): a PIN file grants nothing to group
    /// or others, not even execute, so only 0600, 0400 and the owner-only modes around them pass.
    /// </summary>
    public const UnixFileMode ForbiddenPinFileModes = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The file's mode when it breaks <see cref="ForbiddenPinFileModes"/> (the PIN file must be refused); null when it is private, and always on Windows.</summary>
    public static UnixFileMode? RefusedPinFileMode(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & ForbiddenPinFileModes) != 0 ? mode : null;
    }

    /// <summary>
    /// Why the PIN file cannot be relied on, checked without following links (<see cref="PathTrust"/>): it is a symbolic
    /// link, someone other than this process's user or root owns it or a directory above it, or others can swap it.
    /// Null when it can be trusted, and always on Windows.
    /// </summary>
    public static PathTrustProblem? UntrustedPinFile(string path) =>
        OperatingSystem.IsWindows() ? null : PathTrust.ForThisProcess().CheckFile(path, secret: true);

    /// <summary>PIN from a file (trailing newline trimmed). On Unix the file must not grant group or others anything (0600/0400).</summary>
    public static HsmPinProvider FromFile(string path) => () =>
    {
        if (RefusedPinFileMode(path) is not null)
        {
            throw new HsmException(HsmErrorKind.Other, $"PIN file '{path}' is accessible by group or others; chmod 600 it.");
        }

        if (UntrustedPinFile(path) is { } problem)
        {
            throw new HsmException(HsmErrorKind.Other, $"PIN file {problem}; {problem.Fix}");
        }

        byte[] raw = File.ReadAllBytes(path);
        int len = raw.Length;
        while (len > 0 && (raw[len - 1] == (byte)'\n' || raw[len - 1] == (byte)'\r'))
        {
            len--;
        }

        if (len == raw.Length)
        {
            return raw;
        }

        byte[] pin = raw[..len];
        Array.Clear(raw);
        return pin;
    };

    /// <summary>PIN from an environment variable (read at each login).</summary>
    public static HsmPinProvider FromEnvironment(string variable) => () =>
        Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable(variable)
            ?? throw new HsmException(HsmErrorKind.Other, $"PIN environment variable '{variable}' is not set."));

    /// <summary>PIN from characters (copied; the caller keeps ownership of <paramref name="pin"/>).</summary>
    public static HsmPinProvider FromChars(char[] pin)
    {
        char[] copy = (char[])pin.Clone();
        return () => Encoding.UTF8.GetBytes(copy);
    }

    /// <summary>PIN from a string (tests, tooling). Prefer files or char arrays for real secrets.</summary>
    public static HsmPinProvider FromString(string pin) => () => Encoding.UTF8.GetBytes(pin);
}

using System.Text;

namespace StellaOps.Ops.Hsm;

/// <summary>
/// Returns the user PIN as bytes each time the layer needs to log in. The layer zeroes the returned array after use,
/// so return a fresh array each call. Source it from a 0600 file, an environment variable, a prompt, ….
/// </summary>
public delegate byte[] HsmPinProvider();

/// <summary>Ready-made PIN providers.</summary>
public static class HsmPin
{
    /// <summary>PIN from a file (trailing newline trimmed). On Unix the file must not be readable by group or others (0600/0400).</summary>
    public static HsmPinProvider FromFile(string path) => () =>
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                throw new HsmException(HsmErrorKind.Other, $"PIN file '{path}' is accessible by group or others; chmod 600 it.");
            }
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

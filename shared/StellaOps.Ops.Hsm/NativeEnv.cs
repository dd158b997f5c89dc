using System.Runtime.InteropServices;

namespace StellaOps.Ops.Hsm;

/// <summary>libc setenv: native modules read their configuration (SOFTHSM2_CONF, P11_KIT_SERVER_ADDRESS) with getenv.</summary>
internal static partial class NativeEnv
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);

    public static void Set(string name, string value)
    {
        if (!OperatingSystem.IsWindows() && SetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        Environment.SetEnvironmentVariable(name, value);
    }
}

using System.Runtime.InteropServices;

namespace StellaOps.Ops.TestSupport;

/// <summary>
/// Sets variables in the process's native (libc) environment. <see cref="Environment.SetEnvironmentVariable(string, string?)"/>
/// only updates .NET's own copy, so native modules (SoftHSM2 reading SOFTHSM2_CONF, p11-kit-client reading
/// P11_KIT_SERVER_ADDRESS) never see it. This writes both.
/// </summary>
public static partial class NativeEnvironment
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int NativeSetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int NativeUnsetEnv(string name);

    /// <summary>Sets (or, with null, removes) a variable in both the native and the managed environment.</summary>
    public static void Set(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (OperatingSystem.IsWindows())
        {
            Environment.SetEnvironmentVariable(name, value);
            return;
        }

        int rc = value is null ? NativeUnsetEnv(name) : NativeSetEnv(name, value, 1);
        if (rc != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        Environment.SetEnvironmentVariable(name, value);
    }

    /// <summary>Sets every pair (see <see cref="SoftHsmToken.EnvironmentVariables"/>, <see cref="P11KitServer.EnvironmentVariables"/>).</summary>
    public static void Set(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        foreach (var (name, value) in pairs)
        {
            Set(name, value);
        }
    }
}

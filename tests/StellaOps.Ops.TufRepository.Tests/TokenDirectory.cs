using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.TufRepository.Tests;

/// <summary>
/// SoftHSM2 reads SOFTHSM2_CONF once per process, from the native environment: every token this test process uses
/// directly lives in one directory set up here (each token still has its own label, PIN and key objects).
/// </summary>
internal static class TokenDirectory
{
    private static readonly Lazy<string> Shared = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "stellaops-tufrepo-hsm-" + Environment.ProcessId);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        NativeEnvironment.Set("SOFTHSM2_CONF", Path.Combine(dir, "softhsm2.conf"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        };
        return dir;
    });

    /// <summary>A token for <paramref name="holder"/> with its own PIN, usable through libsofthsm2.so in this process.</summary>
    public static SoftHsmToken Create(string holder) =>
        SoftHsmToken.Create($"{holder}-{Guid.NewGuid():N}"[..24], pin: $"pin-{holder}", directory: Shared.Value);
}

using System.Diagnostics;
using System.Text.Json;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.IntegrationTests.Hsm;

/// <summary>Writes the daemon's opsd.json Hsm section and PIN files, and waits for HSM states over the RPC.</summary>
internal static class HsmTestHost
{
    public const string SoftHsmLibrary = SoftHsmToken.DefaultLibraryPath;
    /// <summary>The daemon's default self-test key id ("stella-selftest").</summary>
    public static readonly byte[] SelfTestKeyId = "stella-selftest"u8.ToArray();

    public static string WritePinFile(DaemonProcess d, string name, string pin, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        Directory.CreateDirectory(d.Root);
        string path = Path.Combine(d.Root, name);
        File.WriteAllText(path, pin + "\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    public static void WriteConfig(DaemonProcess d, object hsm)
    {
        Directory.CreateDirectory(d.Root);
        File.WriteAllText(Path.Combine(d.Root, "opsd.json"), JsonSerializer.Serialize(new { Hsm = hsm }, new JsonSerializerOptions { WriteIndented = true }));
    }

    public static object DirectMember(SoftHsmToken token, string pinFile) => new
    {
        LibraryPath = SoftHsmLibrary,
        TokenLabel = token.Label,
        PinFile = pinFile,
        Environment = new Dictionary<string, string> { ["SOFTHSM2_CONF"] = token.ConfPath },
    };

    public static object RemoteMember(P11KitServer server, string pinFile) => new
    {
        TokenLabel = server.Token.Label,
        PinFile = pinFile,
        Environment = new Dictionary<string, string>(server.EnvironmentVariables),
    };

    public static async Task<HsmStatus> WaitForAsync(OpsClient client, Func<HsmStatus, bool> condition, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        HsmStatus status;
        while (true)
        {
            status = await client.Hsm.GetStatusAsync(CancellationToken.None);
            if (condition(status)) return status;
            if (sw.Elapsed > timeout)
                throw new TimeoutException($"HSM did not reach '{what}' in {timeout.TotalSeconds:0} s; last status: {Describe(status)}");
            await Task.Delay(100);
        }
    }

    public static async Task<DoctorResult> DoctorAsync(OpsClient client) =>
        (await client.Doctor.RunAsync(["check.crypto.hsm-availability"], null, CancellationToken.None)).Single();

    public static string Describe(HsmStatus s) =>
        $"{s.State} active={s.Active} timeout={s.SessionTimeout} members=[{string.Join("; ", s.Members.Select(m => $"{m.Name}:{m.State}:{m.LastError}"))}] history=[{string.Join(" | ", s.History.TakeLast(6).Select(h => $"{h.Hsm} {h.From}->{h.To} {h.Reason}"))}]";
}

using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;
using static StellaOps.Ops.IntegrationTests.Hsm.HsmTestHost;

namespace StellaOps.Ops.IntegrationTests.Hsm;

/// <summary>
/// 'stella attest reload' with a healthy HSM: session settings already apply live, so the sessions stay up (no
/// reconnect, no new sessions); a changed token in the configuration file is taken up by the reload.
/// </summary>
public sealed class HsmReloadTests
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Reload_keeps_the_sessions_when_the_HSM_configuration_is_unchanged_and_moves_to_a_new_token_when_it_changed()
    {
        // One SoftHSM configuration for both tokens: a PKCS#11 module is initialised once per process, with one environment.
        var shared = Directory.CreateTempSubdirectory("stellaops-softhsm-reload-").FullName;
        using var cleanup = new DirectoryCleanup(shared);
        using var first = SoftHsmToken.Create(pin: "11223344", directory: shared);
        using var second = SoftHsmToken.Create(pin: "55667788", directory: shared);
        await using var d = new DaemonProcess();
        var firstPin = WritePinFile(d, "first.pin", first.Pin);
        var secondPin = WritePinFile(d, "second.pin", second.Pin);
        WriteConfig(d, new { Pkcs11 = new { LibraryPath = SoftHsmLibrary }, Primary = DirectMember(first, firstPin) });
        await d.StartAsync();
        await using var client = await d.ConnectAsync();
        var before = await WaitForAsync(client, s => s.State == HsmOverallState.Connected, Connect, "Connected");

        var reload = await client.System.ReloadAsync(CancellationToken.None);
        Assert.DoesNotContain(reload.Warnings, w => w.Contains("HSM", StringComparison.Ordinal));
        var after = await client.Hsm.GetStatusAsync(CancellationToken.None);
        Assert.Equal(HsmOverallState.Connected, after.State);
        Assert.Equal(before.Members[0].SessionsOpened, after.Members[0].SessionsOpened);
        Assert.Equal(before.History.Count, after.History.Count);

        WriteConfig(d, new { Pkcs11 = new { LibraryPath = SoftHsmLibrary }, Primary = DirectMember(second, secondPin) });
        reload = await client.System.ReloadAsync(CancellationToken.None);
        Assert.DoesNotContain(reload.Warnings, w => w.Contains("HSM", StringComparison.Ordinal));
        var moved = await WaitForAsync(client, s => s.State == HsmOverallState.Connected && s.Members[0].TokenLabel == second.Label, Connect, "Connected to the new token");
        Assert.Equal(second.Label, moved.Members[0].TokenLabel);
    }

    private sealed class DirectoryCleanup(string path) : IDisposable
    {
        public void Dispose() => Directory.Delete(path, recursive: true);
    }
}

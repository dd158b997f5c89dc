using System.Security.Cryptography;
using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.TestSupport;
using Xunit.Abstractions;

namespace StellaOps.Ops.Hsm.Tests;

/// <summary>
/// Primary: a token behind a p11-kit server (so it can really die); backup: a direct SoftHSM2 token. Both hold the
/// same key pair under the same CKA_ID, imported with C_CreateObject (pkcs11-tool --write-object), so every
/// signature verifies against one public key whichever member made it.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fails_over_when_the_primary_dies_fails_back_after_good_probes_and_switches_manually()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] pkcs8 = key.ExportPkcs8PrivateKey();
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        byte[] id = TestEnvironment.NewId();

        using var primaryToken = SoftHsmToken.Create();
        using var backupToken = TestEnvironment.DirectToken();
        primaryToken.ImportKeyPair(pkcs8, spki, id, "release-key");
        backupToken.ImportKeyPair(pkcs8, spki, id, "release-key");
        using var server = P11KitServer.Start(primaryToken);

        await using var primary = new HsmConnection(TestEnvironment.Remote(server, "primary"));
        await using var backup = new HsmConnection(TestEnvironment.Direct(backupToken, "backup"));
        await using var group = new HsmFailoverGroup(primary, backup, new HsmFailoverOptions
        {
            Name = "release",
            FailbackAfterGoodProbes = 3,
            KeepAliveInterval = TimeSpan.FromMilliseconds(100),
        });
        var events = new List<HsmGroupStateChangedEventArgs>();
        group.StateChanged += (_, e) => { lock (events) { events.Add(e); } };
        await group.StartAsync();
        Assert.Equal(HsmGroupState.Connected, group.State);
        Assert.Equal(HsmMember.Primary, group.Active);

        async Task SignAndVerify(string text)
        {
            byte[] msg = Encoding.UTF8.GetBytes(text);
            byte[] sig = await group.SignAsync(id, KeyAlgorithm.EcdsaP256, msg);
            Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP256, spki, msg, sig), text);
        }

        await SignAndVerify("on primary");
        Assert.Equal(spki, await primary.GetPublicKeySpkiAsync(id));
        Assert.Equal(spki, await backup.GetPublicKeySpkiAsync(id));

        // Primary dies: the next operation fails over and succeeds on the backup.
        server.Kill();
        await SignAndVerify("failed over");
        Assert.Equal(HsmMember.Backup, group.Active);
        Assert.Equal(HsmGroupState.FailedOver, group.State);
        Assert.Equal(HsmConnectionState.Down, primary.State);

        // While the primary stays dead, probes fail and there is no fail-back.
        await Task.Delay(600);
        Assert.Equal(HsmMember.Backup, group.Active);
        await SignAndVerify("still on backup");

        // Primary returns: its background reconnect repairs it; the group fails back after 3 good probes.
        server.Restart();
        Assert.True(await primary.WaitUntilUpAsync(TimeSpan.FromSeconds(20)), primary.StateReason);
        Assert.True(await WaitFor(() => group.Active == HsmMember.Primary, TimeSpan.FromSeconds(20)), "no fail-back");
        Assert.Equal(HsmGroupState.Connected, group.State);
        var failBack = group.History.Last(t => t.From == HsmGroupState.FailedOver && t.To == HsmGroupState.Connected);
        Assert.Contains("3 consecutive good probes", failBack.Reason);
        await SignAndVerify("failed back");

        // Manual switch to the backup sticks (no automatic fail-back) until switched back.
        await group.SwitchToAsync(HsmMember.Backup);
        Assert.True(group.ManualOverride);
        await Task.Delay(600);
        Assert.Equal(HsmMember.Backup, group.Active);
        Assert.Equal(HsmGroupState.FailedOver, group.State);
        await SignAndVerify("manual backup");
        await group.SwitchToAsync(HsmMember.Primary);
        Assert.Equal(HsmMember.Primary, group.Active);
        Assert.False(group.ManualOverride);
        await SignAndVerify("manual primary");

        // Keep-alive can be turned off and retimed live.
        group.KeepAliveEnabled = false;
        await Task.Delay(150);
        var lastProbe = primary.GetInfo().LastProbe?.Timestamp;
        await Task.Delay(400);
        Assert.Equal(lastProbe, primary.GetInfo().LastProbe?.Timestamp);
        group.KeepAliveInterval = TimeSpan.FromMilliseconds(50);
        group.KeepAliveEnabled = true;
        Assert.True(await WaitFor(() => primary.GetInfo().LastProbe?.Timestamp != lastProbe, TimeSpan.FromSeconds(5)));

        lock (events)
        {
            foreach (var e in events)
            {
                output.WriteLine($"{e.Transition.Timestamp:HH:mm:ss.fff} {e.Transition.From} -> {e.Transition.To} [{e.Active}] {e.Transition.Reason}");
            }

            Assert.Contains(events, e => e.Transition.To == HsmGroupState.FailedOver && e.Active == HsmMember.Backup);
            Assert.Contains(events, e => e.Transition.From == HsmGroupState.FailedOver && e.Transition.To == HsmGroupState.Connected);
        }
    }

    [Fact]
    public async Task A_key_missing_on_the_backup_is_KeyNotFound_after_failover()
    {
        using var primaryToken = SoftHsmToken.Create();
        using var backupToken = TestEnvironment.DirectToken();
        using var server = P11KitServer.Start(primaryToken);
        await using var primary = new HsmConnection(TestEnvironment.Remote(server, "primary"));
        await using var backup = new HsmConnection(TestEnvironment.Direct(backupToken, "backup"));
        await using var group = new HsmFailoverGroup(primary, backup, new HsmFailoverOptions { KeepAliveEnabled = false });
        await group.StartAsync();

        byte[] id = TestEnvironment.NewId();
        await group.GenerateKeyPairAsync(KeyAlgorithm.EcdsaP256, "primary-only", id);
        server.Kill();
        var e = await Assert.ThrowsAsync<HsmException>(() => group.SignAsync(id, KeyAlgorithm.EcdsaP256, [1, 2, 3]));
        Assert.Equal(HsmErrorKind.KeyNotFound, e.Kind);
        Assert.Equal(HsmGroupState.FailedOver, group.State);
    }

    private static async Task<bool> WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;
using static StellaOps.Ops.IntegrationTests.Hsm.HsmTestHost;

namespace StellaOps.Ops.IntegrationTests.Hsm;

/// <summary>
/// Primary: p11-kit-client.so against a `p11-kit server` for a SoftHSM token (a connection that can really die or
/// hang); backup: a direct SoftHSM token holding the same self-test key (same CKA_ID), imported with C_CreateObject.
/// </summary>
public sealed class HsmFailoverDaemonTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Killed_and_stopped_server_fails_fast_fails_over_recovers_and_doctor_follows()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var primaryToken = SoftHsmToken.Create(pin: "11223344");
        using var backupToken = SoftHsmToken.Create(pin: "55667788");
        primaryToken.ImportKeyPair(key.ExportPkcs8PrivateKey(), key.ExportSubjectPublicKeyInfo(), SelfTestKeyId, "stellaops-selftest");
        backupToken.ImportKeyPair(key.ExportPkcs8PrivateKey(), key.ExportSubjectPublicKeyInfo(), SelfTestKeyId, "stellaops-selftest");
        using var server = P11KitServer.Start(primaryToken);

        await using var d = new DaemonProcess();
        WriteConfig(d, new
        {
            Pkcs11 = new { LibraryPath = P11KitServer.ClientLibraryPath },
            Session = new { Timeout = "5s", Keepalive = true, KeepaliveInterval = "1s" },
            ReconnectMaxDelay = "1s",
            FailbackProbes = 2,
            Primary = RemoteMember(server, WritePinFile(d, "primary.pin", primaryToken.Pin)),
            Backup = DirectMember(backupToken, WritePinFile(d, "backup.pin", backupToken.Pin)),
        });
        await d.StartAsync();
        await using var client = await d.ConnectAsync();
        await WaitForAsync(client, s => s.State == HsmOverallState.Connected && s.Active == HsmMemberRole.Primary, Wait, "Connected on primary");
        Assert.Equal(DoctorStatus.Pass, (await DoctorAsync(client)).Status);
        var sign = Assert.Single(await client.Hsm.TestAsync(HsmTestOperation.Sign, CancellationToken.None));
        Assert.True(sign.Success, sign.Message);
        Assert.Equal("primary", sign.Hsm);

        // Sign in a loop through the RPC while the server's whole process group is killed.
        var results = new List<(TimeSpan Elapsed, HsmTestResult Result, bool AfterKill)>();
        bool killed = false;
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                bool after = Volatile.Read(ref killed);
                var sw = Stopwatch.StartNew();
                var r = Assert.Single(await client.Hsm.TestAsync(HsmTestOperation.Sign, CancellationToken.None));
                lock (results) results.Add((sw.Elapsed, r, after));
            }
        });
        await Task.Delay(300);
        server.Kill();
        Volatile.Write(ref killed, true);
        var failedOver = await WaitForAsync(client, s => s.State == HsmOverallState.FailedOver && s.Active == HsmMemberRole.Backup, Wait, "FailedOver");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Wait)
        {
            lock (results) if (results.Count(x => x.AfterKill && x.Result.Success && x.Result.Hsm == "backup") >= 5) break;
            await Task.Delay(50);
        }

        stop.Cancel();
        await loop;
        lock (results)
        {
            Assert.True(results.Count(x => !x.AfterKill && x.Result.Success && x.Result.Hsm == "primary") >= 1);
            Assert.True(results.Count(x => x.AfterKill && x.Result.Success && x.Result.Hsm == "backup") >= 5, string.Join("\n", results.Select(x => $"{x.Elapsed} {x.Result.Hsm} {x.Result.Success} {x.Result.Message}")));
            // No hang: every call answered well within the 5 s call deadline (a killed server answers CKR_DEVICE_ERROR at once).
            Assert.All(results, x => Assert.True(x.Elapsed < TimeSpan.FromSeconds(5), $"{x.Elapsed}: {x.Result.Message}"));
        }

        Assert.Equal("Down", failedOver.Members.Single(m => m.Role == HsmMemberRole.Primary).State);
        var warn = await DoctorAsync(client);
        Assert.Equal(DoctorStatus.Warn, warn.Status);
        Assert.Equal("backup", warn.Evidence["active"]);
        Assert.Contains(failedOver.History, h => h.To == "FailedOver");

        // The server returns on the same socket: the primary reconnects by itself and the group fails back.
        server.Restart();
        await WaitForAsync(client, s => s.State == HsmOverallState.Connected && s.Active == HsmMemberRole.Primary, Wait, "failed back to primary");
        Assert.Equal(DoctorStatus.Pass, (await DoctorAsync(client)).Status);
        Assert.Equal("primary", Assert.Single(await client.Hsm.TestAsync(HsmTestOperation.Sign, CancellationToken.None)).Hsm);

        // hsm.session.timeout set live to 1 s, then SIGSTOP: a hung HSM fails the call after ~1 s (not 5 s) and the backup signs.
        await client.Config.SetAsync("hsm.session.timeout", "1s", CancellationToken.None);
        await client.Config.SetAsync("hsm.session.keepalive", "false", CancellationToken.None);
        await WaitForAsync(client, s => s.SessionTimeout.Value == TimeSpan.FromSeconds(1) && s.State == HsmOverallState.Connected && s.Active == HsmMemberRole.Primary, Wait, "timeout 1s, connected");
        int historyBefore = (await client.Hsm.GetStatusAsync(CancellationToken.None)).History.Count;
        server.Stop();
        try
        {
            var sw = Stopwatch.StartNew();
            var hung = Assert.Single(await client.Hsm.TestAsync(HsmTestOperation.Sign, CancellationToken.None));
            sw.Stop();
            Assert.True(hung.Success, hung.Message);
            Assert.Equal("backup", hung.Hsm);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3.5), $"a hung primary held the call for {sw.Elapsed}");
            Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(0.8), $"the call finished in {sw.Elapsed}: the primary was not the one that timed out");
            var s2 = await client.Hsm.GetStatusAsync(CancellationToken.None);
            Assert.Equal(HsmOverallState.FailedOver, s2.State);
            // The failover names the timeout: "primary failed: Timeout" when opening a session timed out, or "primary went
            // down: … did not finish within 1000 ms" when the call on an open session did.
            Assert.Contains(s2.History.Skip(Math.Max(0, historyBefore - 1)), h => h.To == "FailedOver"
                && (h.Reason.Contains("Timeout", StringComparison.Ordinal) || h.Reason.Contains("did not finish within 1000 ms", StringComparison.Ordinal)));
        }
        finally
        {
            server.Continue();
        }

        // Reset forces the reconnect (and goes back to the primary once it answers).
        var reset = await WaitResetAsync(client);
        Assert.Equal(HsmOverallState.Connected, reset.State);
        Assert.Equal(HsmMemberRole.Primary, reset.Active);
        Assert.Equal(DoctorStatus.Pass, (await DoctorAsync(client)).Status);
        Assert.Equal("primary", Assert.Single(await client.Hsm.TestAsync(HsmTestOperation.Sign, CancellationToken.None)).Hsm);

        // Runbook "failover --to backup" while the primary is gone.
        server.Kill();
        var manual = await client.Hsm.SwitchAsync(HsmMemberRole.Backup, CancellationToken.None);
        Assert.Equal(HsmMemberRole.Backup, manual.Active);
        Assert.DoesNotContain(primaryToken.Pin, d.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(backupToken.Pin, d.Output, StringComparison.Ordinal);
    }

    private static async Task<HsmStatus> WaitResetAsync(StellaOps.Ops.Contracts.Client.OpsClient client)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var s = await client.Hsm.ResetAsync(false, CancellationToken.None);
            if (s.State == HsmOverallState.Connected && s.Active == HsmMemberRole.Primary) return s;
            if (sw.Elapsed > Wait) return s;
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task A_down_hsm_does_not_stop_the_daemon_which_connects_when_it_returns()
    {
        using var token = SoftHsmToken.Create(pin: "99887766");
        using var server = P11KitServer.Start(token);
        server.Kill();
        await using var d = new DaemonProcess();
        WriteConfig(d, new
        {
            Pkcs11 = new { LibraryPath = P11KitServer.ClientLibraryPath },
            Session = new { Timeout = "2s", KeepaliveInterval = "1s" },
            ReconnectMaxDelay = "1s",
            Primary = RemoteMember(server, WritePinFile(d, "primary.pin", token.Pin)),
        });
        await d.StartAsync();
        await using var client = await d.ConnectAsync();
        var down = await WaitForAsync(client, s => s.State == HsmOverallState.Down && s.Members.Single().LastError is not null, Wait, "Down");

        var doctor = await DoctorAsync(client);
        Assert.Equal(DoctorStatus.Fail, doctor.Status);
        Assert.Contains("stella crypto hsm reconnect", doctor.Remediation);
        Assert.Contains("signing.mode software", doctor.Remediation);
        var sw = Stopwatch.StartNew();
        var r = Assert.Single(await client.Hsm.TestAsync(HsmTestOperation.Sign, CancellationToken.None));
        Assert.False(r.Success);
        Assert.Equal(OpsErrorCode.HsmUnavailable, r.Error?.Code);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), sw.Elapsed.ToString());
        var sys = await client.System.GetStatusAsync(CancellationToken.None);
        Assert.Contains(sys.Capabilities, c => c.Name == "hsm" && c.State is CapabilityState.Down or CapabilityState.Starting);

        server.Restart();
        await WaitForAsync(client, s => s.State == HsmOverallState.Connected, Wait, "Connected after the server returned");
        Assert.Equal(DoctorStatus.Pass, (await DoctorAsync(client)).Status);
        Assert.True(Assert.Single(await client.Hsm.TestAsync(HsmTestOperation.Sign, CancellationToken.None)).Success);
    }
}

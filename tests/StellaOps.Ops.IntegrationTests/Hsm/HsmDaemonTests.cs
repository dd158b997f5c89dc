using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;
using static StellaOps.Ops.IntegrationTests.Hsm.HsmTestHost;

namespace StellaOps.Ops.IntegrationTests.Hsm;

/// <summary>The real daemon with real SoftHSM2 tokens: a direct token, a wrong or exposed PIN, and a token that is not there yet.</summary>
public sealed class HsmDaemonTests
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Direct_token_connects_lists_slots_tests_logs_in_and_applies_a_new_timeout_live()
    {
        using var token = SoftHsmToken.Create(pin: "271828");
        await using var d = new DaemonProcess();
        string pinFile = WritePinFile(d, "primary.pin", token.Pin);
        WriteConfig(d, new
        {
            Pkcs11 = new { LibraryPath = SoftHsmLibrary },
            Session = new { Timeout = "5s", KeepaliveInterval = "2s" },
            Primary = DirectMember(token, pinFile),
        });
        await d.StartAsync();
        await using var client = await d.ConnectAsync();

        var status = await WaitForAsync(client, s => s.State == HsmOverallState.Connected, Connect, "Connected");
        Assert.Equal(HsmMemberRole.Primary, status.Active);
        var primary = Assert.Single(status.Members);
        Assert.Equal(token.Label, primary.TokenLabel);
        Assert.True(primary.LibraryLoaded);
        Assert.True(primary.PersistentSessionOpen);
        Assert.Equal(TimeSpan.FromSeconds(5), status.SessionTimeout.Value);

        var slots = await client.Hsm.GetSlotsAsync(CancellationToken.None);
        var slot = Assert.Single(slots, s => s.InUse);
        Assert.Equal(token.Label, slot.TokenLabel);
        Assert.Equal(token.Serial, slot.TokenSerial);
        Assert.Contains(slots, s => !s.TokenInitialized); // SoftHSM's free slot is listed but not in use

        foreach (var op in new[] { HsmTestOperation.Ping, HsmTestOperation.Connectivity, HsmTestOperation.Sign })
        {
            var r = Assert.Single(await client.Hsm.TestAsync(op, CancellationToken.None));
            Assert.True(r.Success, $"{op}: {r.Message}");
            Assert.Equal("primary", r.Hsm);
        }

        var login = Assert.Single(await client.Hsm.TestLoginAsync(CancellationToken.None));
        Assert.True(login.Success, login.Message);

        var providers = await client.Hsm.GetProvidersAsync(CancellationToken.None);
        var hsm = Assert.Single(providers, p => p.Name == "Hsm");
        Assert.True(hsm.Available, hsm.Message);
        Assert.Contains(hsm.Algorithms, a => a.Algorithm == "ecdsa-p256" && a.CanSign && a.CanGenerate);
        var software = Assert.Single(providers, p => p.Name == "Software");
        Assert.Equal(["ecdsa-p256", "ecdsa-p384", "rsa-3072", "ed25519"], software.Algorithms.Select(a => a.Algorithm).ToArray());

        var doctor = await DoctorAsync(client);
        Assert.Equal(DoctorStatus.Pass, doctor.Status);
        Assert.Equal("Connected", doctor.Evidence["state"]);
        Assert.Equal(token.Label, doctor.Evidence["token"]);
        Assert.Equal(SoftHsmLibrary, doctor.Evidence["library"]);

        var sys = await client.System.GetStatusAsync(CancellationToken.None);
        Assert.Contains(sys.Capabilities, c => c.Name == "hsm" && c.State == CapabilityState.Ready);

        // hsm.session.timeout applies live: the connections are rebuilt with the new call deadline.
        await client.Config.SetAsync("hsm.session.timeout", "7s", CancellationToken.None);
        status = await WaitForAsync(client, s => s.SessionTimeout.Value == TimeSpan.FromSeconds(7) && s.State == HsmOverallState.Connected, Connect, "timeout 7s");
        Assert.Contains(status.History, h => h.Reason.Contains("hsm.session.timeout", StringComparison.Ordinal));
        Assert.True(Assert.Single(await client.Hsm.TestAsync(HsmTestOperation.Sign, CancellationToken.None)).Success);
        Assert.Equal("7s", (await DoctorAsync(client)).Evidence["sessionTimeout"]);

        // Keep-alive settings apply live too.
        await client.Config.SetAsync("hsm.session.keepalive", "false", CancellationToken.None);
        await WaitForAsync(client, s => !s.KeepAlive, Connect, "keep-alive off");

        Assert.DoesNotContain(token.Pin, d.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_pin_is_reported_as_pin_incorrect_and_never_retried()
    {
        const string wrongPin = "31415926";
        using var token = SoftHsmToken.Create(pin: "27182818");
        await using var d = new DaemonProcess();
        string pinFile = WritePinFile(d, "primary.pin", wrongPin);
        WriteConfig(d, new
        {
            Pkcs11 = new { LibraryPath = SoftHsmLibrary },
            Session = new { KeepaliveInterval = "1s" },
            ReconnectMaxDelay = "1s",
            Primary = DirectMember(token, pinFile),
        });
        await d.StartAsync();
        await using var client = await d.ConnectAsync();
        await WaitForAsync(client, s => s.Members.Any(m => m.State.Contains("PIN", StringComparison.Ordinal)), Connect, "PIN failure");

        var login = Assert.Single(await client.Hsm.TestLoginAsync(CancellationToken.None));
        Assert.False(login.Success);
        Assert.Equal(OpsErrorCode.HsmPinIncorrect, login.Error?.Code);
        Assert.Equal("primary", login.Error?.Target);
        Assert.Contains("stella crypto hsm auth update", login.Error?.RecommendedAction);
        // The text is for people: no code tag or advice to parse back out of it.
        Assert.DoesNotContain("[HsmPinIncorrect]", login.Message);
        Assert.DoesNotContain("Next step", login.Message);
        var first = await DoctorAsync(client);
        Assert.Equal(DoctorStatus.Fail, first.Status);
        Assert.Contains("PIN", first.Remediation);
        Assert.Equal("true", first.Evidence["primary.pinFailureLatched"]);
        string attempts = first.Evidence["primary.loginAttempts"];
        Assert.Equal("1", attempts);

        // Several calls and keep-alive rounds (1 s) later: still exactly one C_Login on the token.
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(OpsErrorCode.HsmPinIncorrect, Assert.Single(await client.Hsm.TestLoginAsync(CancellationToken.None)).Error?.Code);
            foreach (var op in new[] { HsmTestOperation.Ping, HsmTestOperation.Connectivity, HsmTestOperation.Sign })
            {
                var r = Assert.Single(await client.Hsm.TestAsync(op, CancellationToken.None));
                Assert.False(r.Success);
                Assert.Equal(OpsErrorCode.HsmPinIncorrect, r.Error?.Code);
            }
        }

        await Task.Delay(2500);
        var later = await DoctorAsync(client);
        Assert.Equal(attempts, later.Evidence["primary.loginAttempts"]);

        // Fix the PIN source and reconnect: one new login, connected.
        File.WriteAllText(pinFile, token.Pin);
        var reset = await client.Hsm.ResetAsync(false, CancellationToken.None);
        Assert.Equal(HsmOverallState.Connected, reset.State);
        Assert.InRange(int.Parse((await DoctorAsync(client)).Evidence["primary.loginAttempts"]), 2, 3);

        string everything = JsonSerializer.Serialize(new { first, later, reset }) + d.Output;
        Assert.DoesNotContain(wrongPin, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Pin, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pin_file_others_can_read_is_refused_with_what_to_do()
    {
        using var token = SoftHsmToken.Create(pin: "16180339");
        await using var d = new DaemonProcess();
        string pinFile = WritePinFile(d, "primary.pin", token.Pin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        WriteConfig(d, new { Pkcs11 = new { LibraryPath = SoftHsmLibrary }, ReconnectMaxDelay = "1s", Primary = DirectMember(token, pinFile) });
        await d.StartAsync();
        await using var client = await d.ConnectAsync();

        var status = await WaitForAsync(client, s => s.Members.Any(m => m.LastError?.Contains("chmod 600", StringComparison.Ordinal) == true), Connect, "PIN file refused");
        Assert.Equal(HsmOverallState.Down, status.State);
        var doctor = await DoctorAsync(client);
        Assert.Equal(DoctorStatus.Fail, doctor.Status);

        // chmod 600 and the background reconnect picks it up.
        File.SetUnixFileMode(pinFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await WaitForAsync(client, s => s.State == HsmOverallState.Connected, Connect, "Connected after chmod 600");
        Assert.DoesNotContain(token.Pin, d.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_configured_answers_HsmNotConfigured_with_the_keys_to_set()
    {
        await using var d = new DaemonProcess();
        await d.StartAsync();
        await using var client = await d.ConnectAsync();
        Assert.Equal(HsmOverallState.NotConfigured, (await client.Hsm.GetStatusAsync(CancellationToken.None)).State);
        var ex = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => client.Hsm.TestAsync(HsmTestOperation.Ping, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.HsmNotConfigured, ex.Code);
        Assert.Contains("Hsm:Primary:TokenLabel", ex.RecommendedAction);
        Assert.Equal(DoctorStatus.Warn, (await DoctorAsync(client)).Status);
        var providers = await client.Hsm.GetProvidersAsync(CancellationToken.None);
        Assert.False(Assert.Single(providers, p => p.Name == "Hsm").Available);
        Assert.True(Assert.Single(providers, p => p.Name == "Software").Available);
    }
}

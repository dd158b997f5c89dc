using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;
using static StellaOps.Ops.IntegrationTests.Attestor.AttestorTestHost;
using static StellaOps.Ops.IntegrationTests.Hsm.HsmTestHost;

namespace StellaOps.Ops.IntegrationTests.Attestor;

/// <summary>
/// The runbook "signature generation failures", end to end: the signing key lives in SoftHSM2 behind a p11-kit
/// server (a connection that really dies), the server is killed, creates fail and are kept, software signing is
/// switched on, and one retry signs them all: none lost, none signed twice.
/// </summary>
public sealed class AttestorRecoveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Hsm_killed_creates_kept_as_failed_software_mode_then_retry_signs_each_exactly_once()
    {
        using var token = SoftHsmToken.Create(pin: "24681357");
        using var server = P11KitServer.Start(token);
        await using var d = new DaemonProcess();
        WriteConfig(d, new
        {
            Pkcs11 = new { LibraryPath = P11KitServer.ClientLibraryPath },
            Session = new { Timeout = "3s", KeepaliveInterval = "1s" },
            ReconnectMaxDelay = "1s",
            Primary = RemoteMember(server, WritePinFile(d, "primary.pin", token.Pin)),
        });
        await d.StartAsync();
        await using var client = await d.ConnectAsync();
        await WaitForAsync(client, s => s.State == HsmOverallState.Connected, Wait, "Connected");

        // An HSM signing key (mode hsm, the default) and a software key kept ready for the fallback.
        var hsmKey = await client.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = KeyAlgorithm.EcdsaP256, Provider = KeyProvider.Hsm, Name = "hsm-signing" }, CancellationToken.None);
        await client.Keys.ActivateAsync(hsmKey.Id, CancellationToken.None);
        // As runbook step "rotate to backup key" leaves it: key_id names the HSM key. Software mode must still sign.
        await client.Config.SetAsync("attest.signing.key_id", hsmKey.Id, CancellationToken.None);
        var softKey = await ActiveSoftwareKeyAsync(client, name: "software-fallback");

        var before = await client.Attest.CreateAsync([.. Enumerable.Range(0, 10).Select(i => Request($"test:before-{i}"))], null, CancellationToken.None);
        Assert.All(before, r => Assert.Equal(AttestationStatus.Signed, r.Attestation!.Status));
        Assert.All(before, r => Assert.Equal(hsmKey.Id, r.Attestation!.KeyId));

        // The HSM goes away: the runbook's symptoms.
        server.Kill();
        var failed = new List<AttestationResult>();
        for (var batch = 0; batch < 3; batch++)
            failed.AddRange(await client.Attest.CreateAsync([.. Enumerable.Range(0, 10).Select(i => Request($"test:during-{batch}-{i}"))], null, CancellationToken.None));
        Assert.All(failed, r =>
        {
            Assert.Equal(AttestationStatus.Failed, r.Attestation!.Status);
            Assert.Equal(OpsErrorCode.HsmUnavailable, r.Error!.Code);
            Assert.Contains("recorded but unsigned", r.Error.Message);
            Assert.Contains("signing.mode software", r.Error.RecommendedAction);
            Assert.Contains("stella attest retry --failed --last 1h", r.Error.RecommendedAction);
        });
        Assert.True(await MetricAsync(client, "attestor_signing_failures_total") >= 30);
        var status = await client.Attest.GetStatusAsync(CancellationToken.None);
        Assert.Equal(30, status.Failed);
        Assert.Equal(nameof(OpsErrorCode.HsmUnavailable), status.LastFailure!.Error.Code.ToString());
        var capability = Assert.Single(status.Daemon.Capabilities, c => c.Name == "attestor");
        Assert.Equal(CapabilityState.Degraded, capability.State);
        Assert.Contains("30 failed attestation(s)", capability.Message);
        var doctor = Assert.Single(await client.Doctor.RunAsync(["check.attestor.signing-health"], null, CancellationToken.None));
        Assert.Equal(DoctorStatus.Fail, doctor.Status);
        Assert.Contains("signing.mode software", doctor.Remediation);
        Assert.NotEmpty(await WaitForLogAsync(client, "Signing failed", LogLevel.Error, TimeSpan.FromSeconds(10)));

        // Mitigation: software signing, reload, retry. Two retries race for the same rows: claims keep them apart.
        await client.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);
        // The HSM is still down: the reload (Set already applied the mode live) says what it could not do, it does not fail.
        var reload = await client.System.ReloadAsync(CancellationToken.None);
        Assert.Contains(reload.Warnings, w => w.Contains("HSM", StringComparison.Ordinal));
        Assert.NotEmpty(await WaitForLogAsync(client, "Attestor signing mode is software", LogLevel.Warning, TimeSpan.FromSeconds(10)));
        await using var other = await d.ConnectAsync();
        var retries = await Task.WhenAll(
            client.Attest.RetryAsync(new AttestationRetryRequest { Failed = true, Last = Duration.Parse("1h") }, null, CancellationToken.None),
            other.Attest.RetryAsync(new AttestationRetryRequest { Failed = true, Last = Duration.Parse("1h") }, null, CancellationToken.None));
        var retried = retries.SelectMany(r => r).ToList();
        Assert.Equal(30, retried.Count);
        Assert.Equal(failed.Select(r => r.Attestation!.Id).Order(), retried.Select(r => r.Attestation!.Id).Order());
        Assert.All(retried, r => Assert.Null(r.Error));
        Assert.All(retried, r => Assert.Equal(softKey.Id, r.Attestation!.KeyId));

        // None lost, none signed twice; nothing left to retry.
        var all = await AllAsync(client);
        Assert.Equal(40, all.Length);
        Assert.All(all, a => Assert.Equal(AttestationStatus.Signed, a.Status));
        foreach (var a in all) Assert.Equal(1, await SignedEventsAsync(client, a.Id));
        Assert.Empty(await client.Attest.RetryAsync(new AttestationRetryRequest { Failed = true, Last = Duration.Parse("1h") }, null, CancellationToken.None));
        var integrity = await client.Attest.CheckIntegrityAsync([.. all.Select(a => a.Id)], CancellationToken.None);
        Assert.All(integrity, i => Assert.True(i.Intact, i.Id));
        var after = await client.Attest.GetStatusAsync(CancellationToken.None);
        Assert.Equal(("software", 0L, 40L), (after.SigningMode, after.Failed, after.Signed));
        Assert.Equal(CapabilityState.Ready, Assert.Single(after.Daemon.Capabilities, c => c.Name == "attestor").State);
    }
}

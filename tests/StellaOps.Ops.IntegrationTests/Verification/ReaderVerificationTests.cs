using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests.Verification;

/// <summary>Verification is a read: a real second Unix user in the readers' group may verify stored attestations.</summary>
public sealed class ReaderVerificationTests : IAsyncLifetime
{
    private DaemonProcess _daemon = null!;
    private ProbeClient _probe = null!;

    public async Task InitializeAsync() => (_daemon, _probe) = await MultiUserDaemon.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task A_reader_verifies_the_newest_attestation_and_a_stranger_cannot()
    {
        await using var admin = await _daemon.ConnectAsync();
        await admin.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);
        await admin.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software }, CancellationToken.None);
        var created = Assert.Single(await admin.Attest.CreateAsync(
            [new AttestationRequest { Type = "test", Subjects = [new AttestationSubject { Name = "test:reader", Digest = new Dictionary<string, string> { ["sha256"] = new string('c', 64) } }] }],
            null, CancellationToken.None));
        Assert.Equal(AttestationStatus.Signed, created.Attestation!.Status);

        var verified = _probe.Run(UnixAccounts.Reader, [_daemon.Endpoint, "verify-last", "1"]);
        Assert.True(verified.GetProperty("ok").GetBoolean(), verified.ToString());
        Assert.Equal("Reader", verified.GetProperty("role").GetString());
        Assert.Equal($"True|{created.Attestation.Id}|", verified.GetProperty("value").GetString());

        // The reader's verification is counted like anyone's.
        var metrics = await admin.System.GetMetricsAsync("attestor_verifications_total", CancellationToken.None);
        Assert.True(metrics.Sum(m => m.Value) >= 1);

        var stranger = _probe.Run(UnixAccounts.Stranger, [_daemon.Endpoint, "verify-last", "1"]);
        Assert.False(stranger.GetProperty("ok").GetBoolean());
    }
}

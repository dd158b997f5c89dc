using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using static StellaOps.Ops.IntegrationTests.Attestor.AttestorTestHost;

namespace StellaOps.Ops.IntegrationTests.Attestor;

/// <summary>
/// "Switch to software signing, reload, retry": a reload into a mode that has no key to sign with says so (with the
/// steps to fix it) instead of leaving the operator to find out from the next failed retry.
/// </summary>
public sealed class SigningModeReloadTests
{
    [Fact]
    public async Task Reload_into_software_mode_without_a_software_key_warns_with_the_fix_and_retry_signs_once_a_key_is_active()
    {
        await using var d = new DaemonProcess();
        await d.StartAsync();
        await using var client = await d.ConnectAsync();

        var failed = await CreateOneAsync(client, Request("test:mode-switch"));
        Assert.Equal(AttestationStatus.Failed, failed.Attestation!.Status);

        await client.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);
        var reload = await client.System.ReloadAsync(CancellationToken.None);
        var warning = Assert.Single(reload.Warnings, w => w.Contains("Signing mode software has no key to sign with", StringComparison.Ordinal));
        Assert.Contains("stella keys generate", warning);

        var key = await ActiveSoftwareKeyAsync(client);
        reload = await client.System.ReloadAsync(CancellationToken.None);
        Assert.DoesNotContain(reload.Warnings, w => w.Contains("no key to sign with", StringComparison.Ordinal));

        var retried = Assert.Single(await client.Attest.RetryAsync(new AttestationRetryRequest { Failed = true, Last = Duration.Parse("1h") }, null, CancellationToken.None));
        Assert.Null(retried.Error);
        Assert.Equal((AttestationStatus.Signed, key.Id), (retried.Attestation!.Status, retried.Attestation.KeyId));
    }
}

using System.Diagnostics;
using System.Text.Json;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;
using static StellaOps.Ops.IntegrationTests.Hsm.HsmTestHost;

namespace StellaOps.Ops.IntegrationTests.Hsm;

/// <summary>
/// The Sign self-test's key is put on a token by the daemon (when it connects to it, on an operator's reconnect) with
/// an audit record; a reader's `stella crypto hsm verify` never creates anything on a token. Real reader and operator users.
/// </summary>
public sealed class HsmSelfTestKeyTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const string SelfTestHex = "7374656c6c612d73656c6674657374";

    [Fact]
    public async Task At_start_the_daemon_provisions_the_self_test_key_on_a_token_that_lacks_it_and_audits_it()
    {
        using var token = SoftHsmToken.Create(pin: "27182818");
        await using var d = new DaemonProcess();
        WriteConfig(d, new { Pkcs11 = new { LibraryPath = SoftHsmLibrary }, Primary = DirectMember(token, WritePinFile(d, "primary.pin", token.Pin)) });
        Assert.DoesNotContain(SelfTestHex, PrivateKeys(token));
        await d.StartAsync();
        await using var client = await d.ConnectAsync();
        await WaitForAsync(client, s => s.State == HsmOverallState.Connected, Wait, "Connected");

        var audit = await WaitForAuditAsync(client, e => e.Message.Contains("succeeded", StringComparison.Ordinal));
        Assert.StartsWith("hsm.ProvisionSelfTestKey by daemon succeeded", Assert.Single(audit).Message);
        Assert.Contains(SelfTestHex, PrivateKeys(token));
        var sign = Assert.Single(await client.Hsm.TestAsync(HsmTestOperation.Sign, CancellationToken.None));
        Assert.True(sign.Success, sign.Message);
    }

    [Fact]
    public async Task A_readers_sign_test_creates_nothing_on_the_token_and_an_operators_reconnect_provisions_the_key_audited()
    {
        UnixAccounts.Ensure();
        using var token = SoftHsmToken.Create(pin: "16180339");
        var root = Directory.CreateTempSubdirectory("stellaops-selftest-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        await using var d = new DaemonProcess(root, new Dictionary<string, string>
        {
            ["Ipc:SocketMode"] = "0666",
            ["Ipc:DirectoryMode"] = "0755",
            ["Ipc:ReaderGroups:0"] = UnixAccounts.ReadersGroup,
            ["Ipc:OperatorGroups:0"] = UnixAccounts.OperatorsGroup,
        });
        WriteConfig(d, new { Pkcs11 = new { LibraryPath = SoftHsmLibrary }, Primary = DirectMember(token, WritePinFile(d, "primary.pin", token.Pin)) });
        await d.StartAsync();
        var probe = ProbeClient.CopyTo(root);
        await using var admin = await d.ConnectAsync();
        await WaitForAsync(admin, s => s.State == HsmOverallState.Connected, Wait, "Connected");
        Assert.Single(await WaitForAuditAsync(admin, e => e.Message.StartsWith("hsm.ProvisionSelfTestKey by daemon succeeded", StringComparison.Ordinal)));

        // The key goes missing while the daemon is connected (another process deletes it from the token).
        token.Tool("--login", "--pin", token.Pin, "--delete-object", "--type", "privkey", "--id", SelfTestHex);
        token.Tool("--login", "--pin", token.Pin, "--delete-object", "--type", "pubkey", "--id", SelfTestHex);
        Assert.DoesNotContain(SelfTestHex, PrivateKeys(token));

        // A reader's Sign self-test reports the missing key and how to provision it, and changes nothing.
        var readerTest = Probe(probe, UnixAccounts.Reader, d, "hsm-test", "Sign");
        Assert.True(readerTest.GetProperty("ok").GetBoolean(), readerTest.ToString());
        Assert.Equal("Reader", readerTest.GetProperty("role").GetString());
        var result = readerTest.GetProperty("value").GetString()!;
        Assert.StartsWith("False|KeyNotFound|", result);
        Assert.Contains("stella crypto hsm reconnect", result);
        Assert.DoesNotContain(SelfTestHex, PrivateKeys(token));
        Assert.Single(await ProvisioningAuditAsync(admin));

        // The operator's reconnect provisions it, audited with the operator's name; then the reader's test signs.
        var reconnect = Probe(probe, UnixAccounts.Operator, d, "hsm-reconnect");
        Assert.True(reconnect.GetProperty("ok").GetBoolean(), reconnect.ToString());
        Assert.Contains(SelfTestHex, PrivateKeys(token));
        var audit = await ProvisioningAuditAsync(admin);
        Assert.Equal(2, audit.Length);
        Assert.Contains(audit, e => e.Message.StartsWith($"hsm.ProvisionSelfTestKey by {UnixAccounts.Operator}", StringComparison.Ordinal) && e.Message.Contains("succeeded", StringComparison.Ordinal));
        Assert.StartsWith("True|", Probe(probe, UnixAccounts.Reader, d, "hsm-test", "Sign").GetProperty("value").GetString());
        Assert.Equal(2, (await ProvisioningAuditAsync(admin)).Length);
    }

    private static JsonElement Probe(ProbeClient probe, string user, DaemonProcess d, params string[] args) => probe.Run(user, [d.Endpoint, .. args]);

    /// <summary>The CKA_IDs (hex) of the token's private keys, read by pkcs11-tool in its own process.</summary>
    private static string PrivateKeys(SoftHsmToken token) =>
        token.Tool("--login", "--pin", token.Pin, "--list-objects", "--type", "privkey").ToLowerInvariant();

    private static async Task<LogEvent[]> ProvisioningAuditAsync(OpsClient client) =>
        await client.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = "hsm.ProvisionSelfTestKey" }, CancellationToken.None);

    // Provisioning runs right after a member connects: wait for its record.
    private static async Task<LogEvent[]> WaitForAuditAsync(OpsClient client, Func<LogEvent, bool> condition)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var events = (await ProvisioningAuditAsync(client)).Where(condition).ToArray();
            if (events.Length > 0 || sw.Elapsed > Wait) return events;
            await Task.Delay(100);
        }
    }
}

using System.Text.Json;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// Roles come from the kernel's peer credentials of real Unix users: a reader may look but not change, a
/// stranger is refused at connect, an operator group member may change; every attempt is audited.
/// </summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private DaemonProcess _daemon = null!;
    private ProbeClient _probe = null!;

    public async Task InitializeAsync() => (_daemon, _probe) = await MultiUserDaemon.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task A_reader_may_read_but_a_change_is_refused_audited_and_changes_nothing()
    {
        var hello = Probe(UnixAccounts.Reader, "handshake");
        Assert.True(hello.GetProperty("ok").GetBoolean(), hello.ToString());
        Assert.Equal("Reader", hello.GetProperty("role").GetString());
        Assert.Equal(UnixAccounts.Reader, hello.GetProperty("user").GetString());

        var read = Probe(UnixAccounts.Reader, "get", "hsm.session.timeout");
        Assert.Equal("30s", read.GetProperty("value").GetString());

        var write = Probe(UnixAccounts.Reader, "set", "hsm.session.timeout", "300s");
        Assert.False(write.GetProperty("ok").GetBoolean());
        Assert.Equal("PermissionDenied", write.GetProperty("code").GetString());
        Assert.Contains("Operator role", write.GetProperty("message").GetString());

        await using var admin = await _daemon.ConnectAsync();
        Assert.Equal("30s", (await admin.Config.GetAsync("hsm.session.timeout", CancellationToken.None)).Single().Value);
        var audit = await admin.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = UnixAccounts.Reader }, CancellationToken.None);
        var denied = Assert.Single(audit);
        Assert.Contains("permission denied", denied.Message);
        Assert.Contains("hsm.session.timeout", denied.Message);
    }

    [Fact]
    public async Task A_reader_cannot_sign_and_the_refusal_is_audited()
    {
        await using var admin = await _daemon.ConnectAsync();
        await admin.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);
        var key = await admin.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software }, CancellationToken.None);
        await admin.Keys.ActivateAsync(key.Id, CancellationToken.None);
        var digest = "sha256:" + new string('a', 64);

        var sign = Probe(UnixAccounts.Reader, "sign", digest);
        Assert.False(sign.GetProperty("ok").GetBoolean(), sign.ToString());
        Assert.Equal("PermissionDenied", sign.GetProperty("code").GetString());
        // The same request from an operator signs: the refusal was the role, not the request.
        Assert.True(Probe(UnixAccounts.Operator, "sign", digest).GetProperty("ok").GetBoolean());

        var audit = await admin.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = "signing.Sign" }, CancellationToken.None);
        Assert.Contains(audit, e => e.Message.Contains(UnixAccounts.Reader, StringComparison.Ordinal) && e.Message.Contains("permission denied", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Message.Contains(UnixAccounts.Operator, StringComparison.Ordinal) && e.Message.Contains("succeeded", StringComparison.Ordinal));
    }

    [Fact]
    public void A_user_in_no_configured_group_is_refused_at_connect_with_a_clear_reason()
    {
        var hello = Probe(UnixAccounts.Stranger, "handshake");
        Assert.False(hello.GetProperty("ok").GetBoolean());
        Assert.Equal("Unauthorized", hello.GetProperty("code").GetString());
        var message = hello.GetProperty("message").GetString()!;
        Assert.Contains(UnixAccounts.Stranger, message);
        Assert.Contains(UnixAccounts.ReadersGroup, message);
    }

    [Fact]
    public async Task A_member_of_the_operators_group_may_change_settings()
    {
        var write = Probe(UnixAccounts.Operator, "set", "keys.alerts.expiring_days", "21");
        Assert.True(write.GetProperty("ok").GetBoolean(), write.ToString());
        Assert.Equal("21", write.GetProperty("value").GetString());
        await using var admin = await _daemon.ConnectAsync();
        var setting = (await admin.Config.GetAsync("keys.alerts.expiring_days", CancellationToken.None)).Single();
        Assert.StartsWith(UnixAccounts.Operator, setting.ChangedBy);
    }

    private JsonElement Probe(string user, params string[] args) => _probe.Run(user, [_daemon.Endpoint, .. args]);
}

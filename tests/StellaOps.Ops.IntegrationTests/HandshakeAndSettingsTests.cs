using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests;

public sealed class HandshakeAndSettingsTests : IAsyncLifetime
{
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await DaemonProcess.StartNewAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task Handshake_reports_versions_and_the_callers_os_identity()
    {
        await using var client = await _daemon.ConnectAsync();
        Assert.Equal(Protocol.Version, client.Handshake.ProtocolVersion);
        Assert.Equal(Environment.ProcessId, client.Handshake.Caller.ProcessId);
        Assert.Equal(Environment.UserName, client.Handshake.Caller.UserName);
        // The test runs as the daemon's own user: that is an operator.
        Assert.Equal(CallerRole.Operator, client.Handshake.Caller.Role);
        Assert.Equal(_daemon.Endpoint, client.Handshake.Endpoint);
    }

    [Fact]
    public async Task Socket_and_its_directory_have_the_configured_permissions()
    {
        Assert.Equal((UnixFileMode)Convert.ToInt32("660", 8), File.GetUnixFileMode(_daemon.Endpoint));
        Assert.Equal((UnixFileMode)Convert.ToInt32("750", 8), File.GetUnixFileMode(Path.GetDirectoryName(_daemon.Endpoint)!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_daemon.DatabasePath));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Status_lists_capabilities_and_uptime()
    {
        await using var client = await _daemon.ConnectAsync();
        var status = await client.System.GetStatusAsync(CancellationToken.None);
        Assert.Equal(_daemon.ProcessId, status.ProcessId);
        Assert.Contains(status.Capabilities, c => c.Name == "storage" && c.State == CapabilityState.Ready);
        Assert.Contains(status.Capabilities, c => c.Name == "ipc" && c.State == CapabilityState.Ready);
        Assert.True(status.Uptime > TimeSpan.Zero);
        Assert.True(status.SchemaVersion >= 1);
    }

    [Fact]
    public async Task A_setting_is_validated_normalized_persisted_and_survives_a_restart()
    {
        await using (var client = await _daemon.ConnectAsync())
        {
            var set = await client.Config.SetAsync("hsm.session.timeout", "300s", CancellationToken.None);
            Assert.Equal("5m", set.Value);
            Assert.Equal(SettingSource.Runtime, set.Source);
            Assert.Equal(Environment.UserName, set.ChangedBy?.Split(' ')[0]);

            var bad = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Config.SetAsync("hsm.session.timeout", "soon", CancellationToken.None)));
            Assert.Equal(OpsErrorCode.InvalidSetting, bad.Code);
            Assert.Contains("60s", bad.Message);

            var unknown = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Config.SetAsync("hsm.session.timout", "1s", CancellationToken.None)));
            Assert.Equal(OpsErrorCode.SettingNotFound, unknown.Code);
            Assert.Contains("hsm.session.timeout", unknown.Message);
        }

        Assert.Equal(0, await _daemon.StopAsync());
        await _daemon.StartAsync();
        await using var again = await _daemon.ConnectAsync();
        var after = (await again.Config.GetAsync("hsm.session.timeout", CancellationToken.None)).Single();
        Assert.Equal("5m", after.Value);
        Assert.Equal(SettingSource.Runtime, after.Source);

        var reset = await again.Config.ResetAsync("hsm.session.timeout", CancellationToken.None);
        Assert.Equal("30s", reset.Value);
        Assert.Equal(SettingSource.Default, reset.Source);
    }

    [Fact]
    public async Task Software_signing_mode_warns_and_every_change_is_audited_with_the_caller()
    {
        await using var client = await _daemon.ConnectAsync();
        var set = await client.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);
        Assert.Contains("compliance", set.Warning);
        var audit = await client.Log.QueryAsync(new LogQuery { Component = "Audit" }, CancellationToken.None);
        var entry = Assert.Single(audit, e => e.Category == "config.SetAsync");
        Assert.Contains("attest.signing.mode", entry.Message);
        Assert.Contains($"uid {client.Handshake.Caller.UserId}", entry.Message);
        Assert.Contains($"pid {Environment.ProcessId}", entry.Caller);
    }

    [Fact]
    public async Task Reload_rereads_the_configuration_file_and_reports_what_changed()
    {
        await using var client = await _daemon.ConnectAsync();
        await File.WriteAllTextAsync(Path.Combine(_daemon.Root, "opsd.json"), """{ "Keys": { "Alerts": { "ExpiringDays": 45 } } }""");
        var result = await client.System.ReloadAsync(CancellationToken.None);
        Assert.Contains("keys.alerts.expiring_days", result.Changed);
        var setting = (await client.Config.GetAsync("keys.alerts.expiring_days", CancellationToken.None)).Single();
        Assert.Equal("45", setting.Value);
        Assert.Equal(SettingSource.File, setting.Source);
    }

    [Fact]
    public async Task Doctor_runs_named_checks_and_rejects_an_unknown_one_with_a_suggestion()
    {
        await using var client = await _daemon.ConnectAsync();
        var progress = new List<OperationProgress>();
        var results = await client.Doctor.RunAsync(["check.daemon.*"], new SyncProgress<OperationProgress>(progress.Add), CancellationToken.None);
        Assert.Contains(results, r => r.Check == "check.daemon.storage" && r.Status == DoctorStatus.Pass && r.Evidence["quickCheck"] == "ok");
        Assert.Contains(results, r => r.Check == "check.daemon.endpoint" && r.Status == DoctorStatus.Pass);
        Assert.NotEmpty(progress);

        var ex = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Doctor.RunAsync(["check.daemon.storag"], null, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.NotFound, ex.Code);
        Assert.Contains("check.daemon.storage", ex.Message);
    }

    [Fact]
    public async Task Logs_are_queryable_by_component_level_and_text()
    {
        await using var client = await _daemon.ConnectAsync();
        await client.Config.SetAsync("keys.rotation.auto", "true", CancellationToken.None);
        LogEvent[] events = [];
        for (var i = 0; i < 100 && events.Length == 0; i++)
        {
            events = await client.Log.QueryAsync(new LogQuery { Filter = "keys.rotation.auto set to true", Component = "Config" }, CancellationToken.None);
            if (events.Length == 0) await Task.Delay(50); // the event writer batches in the background
        }
        Assert.NotEmpty(events);
        var errorsOnly = await client.Log.QueryAsync(new LogQuery { MinLevel = StellaOps.Ops.Contracts.Rpc.LogLevel.Error, Since = DateTimeOffset.UtcNow.AddMinutes(-30) }, CancellationToken.None);
        Assert.All(errorsOnly, e => Assert.True(e.Level >= StellaOps.Ops.Contracts.Rpc.LogLevel.Error));
    }

    [Fact]
    public async Task A_cancelled_request_stops_on_the_daemon_and_the_connection_stays_usable()
    {
        await using var client = await _daemon.ConnectAsync();
        var reports = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.System.WaitAsync(Duration.Parse("60s"), new SyncProgress<OperationProgress>(_ => Interlocked.Increment(ref reports)), cts.Token));
        Assert.True(reports > 0, "progress reports should arrive while the request runs");
        var status = await client.System.GetStatusAsync(CancellationToken.None);
        Assert.Equal(_daemon.ProcessId, status.ProcessId);
    }

    [Fact]
    public async Task The_request_time_limit_cancels_a_request_with_a_timeout_error()
    {
        await using var client = await _daemon.ConnectAsync();
        await client.Config.SetAsync("ipc.request_timeout", "1s", CancellationToken.None);
        var ex = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.System.WaitAsync(Duration.Parse("30s"), null, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.Timeout, ex.Code);
        await client.Config.ResetAsync("ipc.request_timeout", CancellationToken.None);
    }

    internal static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try { return await call(); }
        catch (Exception ex) { throw StellaOps.Ops.Contracts.Client.OpsClient.Translate(ex, "test"); }
    }
}

/// <summary>IProgress that runs the callback inline (Progress&lt;T&gt; would post to a context).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

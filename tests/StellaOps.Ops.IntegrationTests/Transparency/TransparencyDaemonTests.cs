using System.Diagnostics;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestLogServer;
using static StellaOps.Ops.IntegrationTests.Attestor.AttestorTestHost;
using LogServer = StellaOps.Ops.TestLogServer.TestLogServer;

namespace StellaOps.Ops.IntegrationTests.Transparency;

/// <summary>
/// The real daemon logging to two real test logs (primary and mirror, Rekor v1) named by a signing config file:
/// failover when the primary is down, queueing when both are, no loss across kill -9, exactly once across a restart
/// mid-drain (the 409 path), and an endpoint swap picked up by a reload with no restart.
/// </summary>
public sealed class TransparencyDaemonTests : IAsyncLifetime
{
    private LogServer _primary = null!;
    private LogServer _mirror = null!;
    private DirectoryInfo _trustDir = null!;

    public async Task InitializeAsync()
    {
        _primary = await LogServer.StartAsync(1);
        _mirror = await LogServer.StartAsync(1);
        _trustDir = Directory.CreateTempSubdirectory("stellaops-tlog-");
    }

    public async Task DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _mirror.DisposeAsync();
        _trustDir.Delete(recursive: true);
    }

    private Dictionary<string, string> Settings(params LogServer[] order)
    {
        WriteSigningConfig(order);
        var root = Path.Combine(_trustDir.FullName, "trusted_root.json");
        File.WriteAllText(root, SigstoreTrustFiles.TrustedRoot([_primary, _mirror]));
        return new Dictionary<string, string>
        {
            ["Trust:TrustedRootFile"] = root,
            ["Trust:SigningConfigFile"] = Path.Combine(_trustDir.FullName, "signing_config.json"),
            ["Transparency:RetryAttempts"] = "1",
            ["Transparency:RetryDelayMilliseconds"] = "10",
            ["Transparency:BreakerMinimumThroughput"] = "2",
            ["Transparency:BreakSeconds"] = "600",
            ["Transparency:PollMilliseconds"] = "100",
        };
    }

    private void WriteSigningConfig(params LogServer[] order)
    {
        var path = Path.Combine(_trustDir.FullName, "signing_config.json");
        File.WriteAllText(path + ".tmp", SigstoreTrustFiles.SigningConfig(order));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static async Task<string[]> CreateAsync(OpsClient client, string prefix, int n)
    {
        var results = await client.Attest.CreateAsync([.. Enumerable.Range(0, n).Select(i => Request($"test:{prefix}-{i}"))], null, CancellationToken.None);
        Assert.All(results, r => Assert.Equal(AttestationStatus.Signed, r.Attestation!.Status));
        return [.. results.Select(r => r.Attestation!.Id)];
    }

    /// <summary>Waits (no time is asserted) until every id is Logged, or fails after a generous minute with what is not.</summary>
    private static async Task WaitLoggedAsync(OpsClient client, IReadOnlyCollection<string> ids)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var all = (await AllAsync(client)).Where(a => ids.Contains(a.Id)).ToList();
            if (all.Count == ids.Count && all.All(a => a.Status == AttestationStatus.Logged)) return;
            if (waited.Elapsed > TimeSpan.FromSeconds(90))
            {
                var status = await client.Tlog.StatusAsync(CancellationToken.None);
                Assert.Fail($"not all logged: {string.Join(", ", all.Where(a => a.Status != AttestationStatus.Logged).Select(a => $"{a.Id} {a.Status}"))}; " +
                            $"backends: {string.Join("; ", status.Backends.Select(b => $"{b.Url} {b.CircuitState} {b.LastError}"))}");
            }
            await Task.Delay(100);
        }
    }

    private static async Task<int> LoggedEventsAsync(OpsClient client, string id)
        => (await client.Attest.GetAsync(id, CancellationToken.None)).History!.Count(e => e.Event == "logged");

    [Fact]
    public async Task Primary_down_opens_its_circuit_and_submissions_go_to_the_mirror_none_lost_or_logged_twice_then_fail_back()
    {
        _primary.Faults.Down = true;
        await using var daemon = await DaemonProcess.StartNewAsync(Settings(_primary, _mirror));
        await using var client = await daemon.ConnectAsync();
        await ActiveSoftwareKeyAsync(client);
        var ids = await CreateAsync(client, "failover", 6);
        await WaitLoggedAsync(client, ids);

        var status = await client.Tlog.StatusAsync(CancellationToken.None);
        Assert.Equal([_primary.BaseUrl.AbsoluteUri, _mirror.BaseUrl.AbsoluteUri], status.Backends.Select(b => b.Url));
        Assert.Equal("Open", status.Backends[0].CircuitState);
        Assert.Equal("HTTP 503 ServiceUnavailable", status.Backends[0].CircuitReason);
        Assert.Equal(0, _primary.Log.Size);
        Assert.Equal(6, _mirror.Log.Size);
        foreach (var id in ids) Assert.Equal(1, await LoggedEventsAsync(client, id));
        Assert.True(await MetricAsync(client, "attestor_circuit_breaker_opens_total") >= 1);
        Assert.Equal(6, await MetricAsync(client, "attestor_tlog_submissions_total"));
        Assert.Equal(0, status.OutboxDepth);

        // The primary is back; the operator closes its circuit: new submissions go to the primary again.
        _primary.Faults.Down = false;
        var reset = await client.Tlog.ResetCircuitsAsync(_primary.BaseUrl.AbsoluteUri, CancellationToken.None);
        Assert.Equal("Closed", Assert.Single(reset).CircuitState);
        var more = await CreateAsync(client, "failback", 2);
        await WaitLoggedAsync(client, more);
        Assert.Equal(2, _primary.Log.Size);
        Assert.Equal(6, _mirror.Log.Size);
    }

    [Fact]
    public async Task Both_logs_down_keeps_attestations_signed_and_queued_and_all_are_logged_once_a_log_returns_and_kill_9_loses_none()
    {
        _primary.Faults.Down = true;
        _mirror.Faults.Down = true;
        await using var first = await DaemonProcess.StartNewAsync(Settings(_primary, _mirror));
        string[] ids;
        {
            await using var client = await first.ConnectAsync();
            await ActiveSoftwareKeyAsync(client);
            ids = await CreateAsync(client, "queued", 5);
            var status = await client.Tlog.StatusAsync(CancellationToken.None);
            Assert.Equal(5, status.OutboxDepth);
            Assert.All(await AllAsync(client), a => Assert.Equal(AttestationStatus.Signed, a.Status));
        }
        first.Kill();

        _mirror.Faults.Down = false;
        await using var second = new DaemonProcess(first.Root, first.Settings);
        await second.StartAsync();
        await using var after = await second.ConnectAsync();
        await WaitLoggedAsync(after, ids);
        Assert.Equal(5, _mirror.Log.Size);
        Assert.Equal(0, _primary.Log.Size);
        foreach (var id in ids) Assert.Equal(1, await LoggedEventsAsync(after, id));
        Assert.Equal(0, (await after.Tlog.StatusAsync(CancellationToken.None)).OutboxDepth);
    }

    [Fact]
    public async Task A_restart_mid_drain_logs_each_entry_exactly_once_through_the_409_path()
    {
        // The log takes the entries but its answers are lost: the daemon cannot know they were logged.
        _primary.Faults.DropAnswers = true;
        _mirror.Faults.Down = true;
        await using var first = await DaemonProcess.StartNewAsync(Settings(_primary, _mirror));
        string[] ids;
        {
            await using var client = await first.ConnectAsync();
            await ActiveSoftwareKeyAsync(client);
            ids = await CreateAsync(client, "midway", 4);
        }
        var waited = Stopwatch.StartNew();
        while (_primary.Log.Size < 4 && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
        Assert.Equal(4, _primary.Log.Size);
        first.Kill();

        _primary.Faults.Clear();
        await using var second = new DaemonProcess(first.Root, first.Settings);
        await second.StartAsync();
        await using var after = await second.ConnectAsync();
        await WaitLoggedAsync(after, ids);
        Assert.Equal(4, _primary.Log.Size);
        foreach (var id in ids)
        {
            var history = (await after.Attest.GetAsync(id, CancellationToken.None)).History!;
            Assert.Single(history, e => e.Event == "logged" && e.Detail.StartsWith("already in", StringComparison.Ordinal));
        }
        var hits = await after.Tlog.SearchAsync(new TlogSearchQuery { After = DateTimeOffset.UtcNow.AddHours(-1), Before = DateTimeOffset.UtcNow.AddHours(1) }, CancellationToken.None);
        Assert.Equal(ids.Order(), hits.Select(h => h.AttestationId).Order());
    }

    [Fact]
    public async Task A_forged_proof_is_rejected_counted_and_logged_and_the_attestation_stays_queued()
    {
        _primary.Faults.ForgeProof = true;
        _mirror.Faults.Down = true;
        await using var daemon = await DaemonProcess.StartNewAsync(Settings(_primary, _mirror));
        await using var client = await daemon.ConnectAsync();
        await ActiveSoftwareKeyAsync(client);
        var id = Assert.Single(await CreateAsync(client, "forged", 1));
        var waited = Stopwatch.StartNew();
        AttestationInfo info;
        do
        {
            await Task.Delay(100);
            info = await client.Attest.GetAsync(id, CancellationToken.None);
        } while (!info.History!.Any(e => e.Event == "tlog-rejected") && waited.Elapsed < TimeSpan.FromSeconds(60));
        Assert.Contains(info.History!, e => e.Event == "tlog-rejected" && e.Detail.Contains("InclusionProofInvalid", StringComparison.Ordinal));
        Assert.Equal(AttestationStatus.Signed, info.Status);
        Assert.Equal(1, (await client.Tlog.StatusAsync(CancellationToken.None)).OutboxDepth);
        var failures = await client.System.GetMetricsAsync("attestor_tlog_submission_failures_total", CancellationToken.None);
        Assert.Contains(failures, m => m.Tags.TryGetValue("reason", out var r) && r == "rejected-inclusionproofinvalid" && m.Value >= 1);

        // An honest answer later: logged.
        _primary.Faults.Clear();
        await WaitLoggedAsync(client, [id]);
    }

    [Fact]
    public async Task An_endpoint_swap_in_the_signing_config_moves_submissions_after_a_reload_with_no_restart()
    {
        await using var daemon = await DaemonProcess.StartNewAsync(Settings(_primary));
        await using var client = await daemon.ConnectAsync();
        await ActiveSoftwareKeyAsync(client);
        await WaitLoggedAsync(client, await CreateAsync(client, "before-swap", 2));
        Assert.Equal(2, _primary.Log.Size);

        WriteSigningConfig(_mirror);
        await client.System.ReloadAsync(CancellationToken.None);
        await WaitLoggedAsync(client, await CreateAsync(client, "after-swap", 3));
        Assert.Equal(2, _primary.Log.Size);
        Assert.Equal(3, _mirror.Log.Size);
        Assert.Equal([_mirror.BaseUrl.AbsoluteUri], (await client.Tlog.StatusAsync(CancellationToken.None)).Backends.Select(b => b.Url));
    }

    [Fact]
    public async Task An_exported_bundle_carries_the_verified_entry_and_its_inclusion_is_checked_offline_from_the_bundle_and_the_trusted_root()
    {
        await using var daemon = await DaemonProcess.StartNewAsync(Settings(_primary));
        await using var client = await daemon.ConnectAsync();
        await ActiveSoftwareKeyAsync(client);
        var id = Assert.Single(await CreateAsync(client, "exported", 1));
        await WaitLoggedAsync(client, [id]);
        var export = await client.Attest.ExportAsync(id, AttestationExportFormat.SigstoreBundle, CancellationToken.None);
        using (var doc = System.Text.Json.JsonDocument.Parse(export.Content))
        {
            var entry = Assert.Single(doc.RootElement.GetProperty("verificationMaterial").GetProperty("tlogEntries").EnumerateArray());
            Assert.True(entry.TryGetProperty("inclusionProof", out var proof) && proof.TryGetProperty("checkpoint", out _));
            Assert.True(entry.TryGetProperty("inclusionPromise", out _));
        }
        var policy = new VerificationPolicy { RequiredLogEntries = 1 };
        var fromBundle = Assert.Single(await client.Verify.VerifyAsync(new VerificationRequest { Documents = [new VerificationDocument { Name = "bundle", Content = export.Content }], Policy = policy }, CancellationToken.None));
        Assert.True(fromBundle.Verified, fromBundle.Message);
        Assert.Equal(VerificationCheckStatus.Pass, fromBundle.Checks.Single(c => c.Name == "transparency-log").Status);
        var stored = Assert.Single(await client.Verify.VerifyAsync(new VerificationRequest { Ids = [id], Policy = policy }, CancellationToken.None));
        Assert.True(stored.Verified, stored.Message);

        // The same bundle with the entry's proof altered fails the transparency-log check.
        var tampered = System.Text.Json.Nodes.JsonNode.Parse(export.Content)!;
        tampered["verificationMaterial"]!["tlogEntries"]![0]!["inclusionProof"]!["rootHash"] = Convert.ToBase64String(new byte[32]);
        var bad = Assert.Single(await client.Verify.VerifyAsync(new VerificationRequest { Documents = [new VerificationDocument { Name = "tampered", Content = tampered.ToJsonString() }] }, CancellationToken.None));
        Assert.False(bad.Verified);
        Assert.Equal(StellaOps.Ops.Contracts.OpsErrorCode.TransparencyLogEntryRejected, bad.Failure);
    }

    [Fact]
    public async Task With_no_log_configured_attestations_stay_signed_nothing_is_queued_and_the_doctor_warns_how_to_configure_one()
    {
        await using var daemon = await DaemonProcess.StartNewAsync();
        await using var client = await daemon.ConnectAsync();
        await ActiveSoftwareKeyAsync(client);
        await CreateAsync(client, "unlogged", 2);
        var status = await client.Tlog.StatusAsync(CancellationToken.None);
        Assert.Empty(status.Backends);
        Assert.Equal(0, status.OutboxDepth);
        Assert.Equal(StellaOps.Ops.Contracts.OpsErrorCode.TransparencyLogNotConfigured, status.NotConfigured!.Code);
        var check = Assert.Single(await client.Doctor.RunAsync(["check.attestor.transparency-log"], null, CancellationToken.None));
        Assert.Equal(DoctorStatus.Warn, check.Status);
        Assert.Contains("stella trust init", check.Remediation);
        Assert.All(await AllAsync(client), a => Assert.Equal(AttestationStatus.Signed, a.Status));
    }
}

using System.Diagnostics;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestLogServer;
using static StellaOps.Ops.IntegrationTests.Attestor.AttestorTestHost;
using LogServer = StellaOps.Ops.TestLogServer.TestLogServer;

namespace StellaOps.Ops.IntegrationTests.Transparency;

/// <summary>
/// The real daemon logging to two real test logs (primary and mirror, Rekor v1) named by a signing config file:
/// failover when the primary is down, queueing when both are, a hung submission holding up only its own attestation,
/// no loss across kill -9, exactly once across a restart
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

    private void WriteSigningConfig(params LogServer[] order) => WriteSigningConfig(SigstoreTrustFiles.SigningConfig(order));

    private void WriteSigningConfig(string json)
    {
        var path = Path.Combine(_trustDir.FullName, "signing_config.json");
        File.WriteAllText(path + ".tmp", json);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The settings for a signing config naming <paramref name="order"/> with <c>rekorTlogConfig</c> = selector (and count).</summary>
    private Dictionary<string, string> Settings(string selector, int count, params LogServer[] order)
    {
        var settings = Settings(order);
        WriteSigningConfig(SigningConfigWith(selector, count, order));
        return settings;
    }

    private static string SigningConfigWith(string selector, int count, LogServer[] order, int notYetValid = -1)
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(SigstoreTrustFiles.SigningConfig(order))!;
        config["rekorTlogConfig"] = count > 0
            ? new System.Text.Json.Nodes.JsonObject { ["selector"] = selector, ["count"] = count }
            : new System.Text.Json.Nodes.JsonObject { ["selector"] = selector };
        if (notYetValid >= 0)
            config["rekorTlogUrls"]![notYetValid]!["validFor"] = new System.Text.Json.Nodes.JsonObject { ["start"] = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ") };
        return config.ToJsonString();
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await done())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(90)) Assert.Fail($"waited in vain for {what}");
            await Task.Delay(100);
        }
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
    public async Task A_submission_the_log_does_not_answer_holds_up_only_its_own_attestation_the_rest_are_logged_meanwhile()
    {
        _mirror.Faults.Down = true;
        await using var daemon = await DaemonProcess.StartNewAsync(Settings(_primary, _mirror));
        await using var client = await daemon.ConnectAsync();
        await ActiveSoftwareKeyAsync(client);
        // The log takes the next submission and does not answer it (a hung connection) until the test lets it go.
        _primary.Faults.HoldNext = 1;
        var ids = await CreateAsync(client, "straggler", 12);

        // Eleven are Logged while that one is still unanswered: they were neither held back nor kept from being stored.
        await WaitAsync(async () => (await AllAsync(client)).Count(a => ids.Contains(a.Id) && a.Status == AttestationStatus.Logged) == 11,
            "11 of 12 attestations Logged while one submission is held");
        Assert.Equal(1, _primary.Faults.Held);
        var held = Assert.Single(await AllAsync(client), a => ids.Contains(a.Id) && a.Status != AttestationStatus.Logged);
        Assert.Equal(AttestationStatus.Signed, held.Status);

        // Answered at last, it is Logged too, once.
        _primary.Faults.ReleaseHeld();
        await WaitLoggedAsync(client, ids);
        Assert.Equal(12, _primary.Log.Size);
        foreach (var id in ids) Assert.Equal(1, await LoggedEventsAsync(client, id));
        Assert.Equal(0, (await client.Tlog.StatusAsync(CancellationToken.None)).OutboxDepth);
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
        // A verified v1 entry's integrated time is the exported bundle's signing time; the stored attestation has the
        // daemon's record of its signing, which comes first (the log integrated it at or after that time).
        Assert.Equal(SigningTimeSource.TransparencyLog, fromBundle.SigningTimeSource);
        var stored = Assert.Single(await client.Verify.VerifyAsync(new VerificationRequest { Ids = [id], Policy = policy }, CancellationToken.None));
        Assert.True(stored.Verified, stored.Message);
        Assert.Equal(SigningTimeSource.DaemonRecord, stored.SigningTimeSource);
        Assert.True(stored.SigningTime < fromBundle.SigningTime.AddSeconds(1), $"signed {stored.SigningTime:O}, integrated {fromBundle.SigningTime:O}");

        // The same bundle with the entry's proof altered fails the transparency-log check.
        var tampered = System.Text.Json.Nodes.JsonNode.Parse(export.Content)!;
        tampered["verificationMaterial"]!["tlogEntries"]![0]!["inclusionProof"]!["rootHash"] = Convert.ToBase64String(new byte[32]);
        var bad = Assert.Single(await client.Verify.VerifyAsync(new VerificationRequest { Documents = [new VerificationDocument { Name = "tampered", Content = tampered.ToJsonString() }] }, CancellationToken.None));
        Assert.False(bad.Verified);
        Assert.Equal(StellaOps.Ops.Contracts.OpsErrorCode.TransparencyLogEntryRejected, bad.Failure);
    }

    [Fact]
    public async Task With_selector_ALL_an_attestation_is_Logged_only_once_every_log_holds_it_each_entry_stored_and_a_log_that_holds_it_is_not_asked_again()
    {
        _mirror.Faults.Down = true;
        await using var daemon = await DaemonProcess.StartNewAsync(Settings("ALL", 0, _primary, _mirror));
        await using var client = await daemon.ConnectAsync();
        await ActiveSoftwareKeyAsync(client);
        var ids = await CreateAsync(client, "all", 3);
        var window = new TlogSearchQuery { After = DateTimeOffset.UtcNow.AddHours(-1), Before = DateTimeOffset.UtcNow.AddHours(1) };

        // The primary holds them, the mirror is down: their entries are stored but the selection is not met.
        await WaitAsync(async () => (await client.Tlog.SearchAsync(window, CancellationToken.None)).Length == 3, "the primary's three entries to be stored");
        Assert.All((await AllAsync(client)).Where(a => ids.Contains(a.Id)), a => Assert.Equal(AttestationStatus.Signed, a.Status));
        var waiting = await client.Attest.GetStatusAsync(CancellationToken.None);
        Assert.Equal((0L, 3L), (waiting.Logged, waiting.Queued));
        var status = await client.Tlog.StatusAsync(CancellationToken.None);
        Assert.Equal(3, status.OutboxDepth);
        Assert.All(await client.Tlog.SearchAsync(window, CancellationToken.None), h => Assert.Equal(_primary.BaseUrl.AbsoluteUri, h.Backend));

        _mirror.Faults.Down = false;
        await client.Tlog.ResetCircuitsAsync(_mirror.BaseUrl.AbsoluteUri, CancellationToken.None);
        await WaitLoggedAsync(client, ids);
        Assert.Equal((3L, 3L), (_primary.Log.Size, _mirror.Log.Size));
        foreach (var id in ids)
        {
            Assert.Equal(2, await LoggedEventsAsync(client, id));
            var export = await client.Attest.ExportAsync(id, AttestationExportFormat.SigstoreBundle, CancellationToken.None);
            using var doc = System.Text.Json.JsonDocument.Parse(export.Content);
            Assert.Equal(2, doc.RootElement.GetProperty("verificationMaterial").GetProperty("tlogEntries").GetArrayLength());
        }
        var backends = (await client.Tlog.StatusAsync(CancellationToken.None)).Backends;
        Assert.Equal(3, backends.Single(b => b.Url == _primary.BaseUrl.AbsoluteUri).Submissions);
        var done = await client.Attest.GetStatusAsync(CancellationToken.None);
        Assert.Equal((3L, 0L), (done.Logged, done.Queued));
    }

    [Fact]
    public async Task With_selector_EXACT_count_two_fewer_qualifying_logs_is_a_clear_problem_attestations_wait_queued_and_are_logged_to_exactly_two_once_two_qualify()
    {
        var third = await LogServer.StartAsync(1);
        await using var thirdLog = third;
        var settings = Settings(_primary, _mirror);
        File.WriteAllText(settings["Trust:TrustedRootFile"], SigstoreTrustFiles.TrustedRoot([_primary, _mirror, third]));
        WriteSigningConfig(SigningConfigWith("EXACT", 2, [_primary, _mirror], notYetValid: 1));
        await using var daemon = await DaemonProcess.StartNewAsync(settings);
        await using var client = await daemon.ConnectAsync();
        await ActiveSoftwareKeyAsync(client);
        var ids = await CreateAsync(client, "exact", 2);

        var status = await client.Tlog.StatusAsync(CancellationToken.None);
        Assert.Empty(status.Backends);
        Assert.Contains("EXACT needs 2", status.NotConfigured!.Message);
        Assert.Contains("1 qualify", status.NotConfigured.Message);
        Assert.Equal(2, status.OutboxDepth);
        Assert.All((await AllAsync(client)).Where(a => ids.Contains(a.Id)), a => Assert.Equal(AttestationStatus.Signed, a.Status));
        Assert.Equal(0, _primary.Log.Size);

        // Three logs qualify now: exactly two hold each attestation, the first two in the spec's order.
        WriteSigningConfig(SigningConfigWith("EXACT", 2, [_primary, _mirror, third]));
        await client.System.ReloadAsync(CancellationToken.None);
        await WaitLoggedAsync(client, ids);
        Assert.Equal((2L, 2L, 0L), (_primary.Log.Size, _mirror.Log.Size, third.Log.Size));
        foreach (var id in ids) Assert.Equal(2, await LoggedEventsAsync(client, id));
    }

    [Fact]
    public async Task A_v2_log_with_a_timestamp_authority_logs_the_attestation_keeps_the_RFC_3161_token_and_the_exported_bundle_verifies()
    {
        var v2 = await LogServer.StartAsync(2);
        await using var v2Log = v2;
        var settings = Settings(_primary);
        File.WriteAllText(settings["Trust:TrustedRootFile"], SigstoreTrustFiles.TrustedRoot([v2]));
        WriteSigningConfig(SigstoreTrustFiles.SigningConfig([v2], tsa: v2));
        await using var daemon = await DaemonProcess.StartNewAsync(settings);
        await using var client = await daemon.ConnectAsync();
        await ActiveSoftwareKeyAsync(client);
        var id = Assert.Single(await CreateAsync(client, "v2-tsa", 1));
        await WaitLoggedAsync(client, [id]);
        Assert.Equal(1, v2.Log.Size);
        var backend = Assert.Single((await client.Tlog.StatusAsync(CancellationToken.None)).Backends);
        Assert.Equal(2, backend.ApiVersion);

        var export = await client.Attest.ExportAsync(id, AttestationExportFormat.SigstoreBundle, CancellationToken.None);
        using (var doc = System.Text.Json.JsonDocument.Parse(export.Content))
        {
            var material = doc.RootElement.GetProperty("verificationMaterial");
            var entry = Assert.Single(material.GetProperty("tlogEntries").EnumerateArray());
            Assert.Equal("hashedrekord", entry.GetProperty("kindVersion").GetProperty("kind").GetString());
            Assert.Equal("0.0.2", entry.GetProperty("kindVersion").GetProperty("version").GetString());
            Assert.False(entry.TryGetProperty("inclusionPromise", out _));
            Assert.True(entry.GetProperty("inclusionProof").TryGetProperty("checkpoint", out _));
            var token = Assert.Single(material.GetProperty("timestampVerificationData").GetProperty("rfc3161Timestamps").EnumerateArray());
            // A Sigstore signedTimestamp is the TSA's whole TimeStampResp (what @sigstore/verify reads).
            Assert.True(System.Security.Cryptography.Pkcs.Rfc3161TimestampToken.TryDecode(StellaOps.Ops.Attestation.Verification.AttestationVerifier.TokenOf(Convert.FromBase64String(token.GetProperty("signedTimestamp").GetString()!)), out var tst, out _));
            Assert.True(tst!.TokenInfo.Timestamp > DateTimeOffset.UtcNow.AddMinutes(-10));
        }
        var policy = new VerificationPolicy { RequiredLogEntries = 1 };
        var verified = Assert.Single(await client.Verify.VerifyAsync(new VerificationRequest { Documents = [new VerificationDocument { Name = "v2-bundle", Content = export.Content }], Policy = policy }, CancellationToken.None));
        Assert.True(verified.Verified, verified.Message);
        Assert.Equal(VerificationCheckStatus.Pass, verified.Checks.Single(c => c.Name == "transparency-log").Status);
        Assert.Equal(SigningTimeSource.Rfc3161Timestamp, verified.SigningTimeSource);
        // @sigstore/verify's own checkpoint and inclusion code verifies the exported v2 entry (its body check cannot: SigstoreVerifyInteropTests).
        var (exit, stdout, stderr) = await StellaOps.Ops.Attestation.Tests.Support.NodeInterop.VerifyTlogInclusionAsync(export.Content, SigstoreTrustFiles.TrustedRoot([v2], withTsa: false));
        Assert.True(exit == 0, stdout + stderr);
    }

    /// <summary>Runs <paramref name="test"/> against a daemon that logs to one log only: the primary (v1), or a v2 log of its own with its TSA.</summary>
    private async Task OnOneLogAsync(int version, Func<LogServer, Dictionary<string, string>, Task> test)
    {
        var settings = Settings(_primary);
        if (version == 1)
        {
            File.WriteAllText(settings["Trust:TrustedRootFile"], SigstoreTrustFiles.TrustedRoot([_primary]));
            await test(_primary, settings);
            return;
        }
        await using var v2 = await LogServer.StartAsync(2);
        File.WriteAllText(settings["Trust:TrustedRootFile"], SigstoreTrustFiles.TrustedRoot([v2]));
        WriteSigningConfig(SigstoreTrustFiles.SigningConfig([v2], tsa: v2));
        await test(v2, settings);
    }

    /// <summary>Someone else logs an envelope of their own key directly to <paramref name="log"/>: answers the key's SHA-256 (hex), its log key id.</summary>
    private static async Task<string> LogForeignEntryAsync(LogServer log)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var signer = new StellaOps.Ops.Attestation.Signing.SoftwareDsseSigner(key);
        var payload = System.Text.Encoding.UTF8.GetBytes("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"not-ours\",\"digest\":{\"sha256\":\"" + new string('a', 64) + "\"}}],\"predicateType\":\"https://example.test/p\",\"predicate\":{}}");
        var envelope = await StellaOps.Ops.Attestation.Dsse.DsseEnvelopeBuilder.SignAsync(StellaOps.Ops.Attestation.Dsse.DsseEnvelope.InTotoPayloadType, payload, [signer]);
        var body = log.Log.ApiVersion == 1
            ? StellaOps.Ops.Transparency.Entries.RekorEntryBodies.DsseV001(envelope, signer.SubjectPublicKeyInfo)
            : StellaOps.Ops.Transparency.Entries.RekorEntryBodies.HashedRekordV002(envelope, signer.SubjectPublicKeyInfo, signer.Algorithm);
        log.Log.Append(body);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(signer.SubjectPublicKeyInfo));
    }

    /// <summary>
    /// Search-StellaRekor -Log end to end: the daemon logs two attestations, someone else logs an entry with another key
    /// directly to the log; the daemon's record does not have it, reading the log (consistent with the checkpoint the
    /// daemon verified) finds exactly it, marked FromLog, by its key; the cap says where to go on; then the log forks
    /// its history and the search is refused as inconsistent.
    /// </summary>
    private async Task LogSearchFindsTheForeignEntryAndRefusesAForkAsync(LogServer log, Dictionary<string, string> settings)
    {
        await using var daemon = await DaemonProcess.StartNewAsync(settings);
        await using var client = await daemon.ConnectAsync();
        var ours = await ActiveSoftwareKeyAsync(client);
        var ids = await CreateAsync(client, $"log-search-v{log.Log.ApiVersion}", 2);
        await WaitLoggedAsync(client, ids);
        var foreignKey = await LogForeignEntryAsync(log);
        var window = new TlogSearchQuery { After = DateTimeOffset.UtcNow.AddHours(-1), Before = DateTimeOffset.UtcNow.AddHours(1) };

        var record = await client.Tlog.SearchAsync(window, CancellationToken.None);
        Assert.Equal(ids.Order(), record.Select(h => h.AttestationId).Order());
        Assert.All(record, h => Assert.False(h.FromLog));

        var found = await client.Tlog.SearchLogAsync(window, CancellationToken.None);
        var hit = Assert.Single(found.Hits);
        Assert.True(hit.FromLog);
        Assert.Equal("", hit.AttestationId);
        Assert.Equal(2, hit.LogIndex);
        Assert.Equal(foreignKey, hit.SigningKeyId);
        Assert.Equal(log.BaseUrl.AbsoluteUri, hit.Backend);
        Assert.Equal(Convert.ToHexStringLower(log.Log.LogId), hit.LogKeyId);
        var scan = Assert.Single(found.Logs);
        Assert.Equal((3L, 0L, 3L, 2L, (long?)null), (scan.CheckpointSize, scan.StartIndex, scan.EndIndex, scan.Own, scan.NextIndex));
        Assert.True(scan.ConsistentWithSize is 1 or 2, $"consistent with {scan.ConsistentWithSize}");

        // By key: the foreign key matches as the signing key; the daemon's own key finds nothing it did not write.
        var byKey = Assert.Single((await client.Tlog.SearchLogAsync(window with { KeyId = foreignKey[..16] }, CancellationToken.None)).Hits);
        Assert.Equal("signing-key", byKey.MatchedBy);
        Assert.Empty((await client.Tlog.SearchLogAsync(window with { KeyId = ours.Id }, CancellationToken.None)).Hits);

        // The cap: one entry per call, and where to go on.
        var capped = await client.Tlog.SearchLogAsync(window with { Backend = log.BaseUrl.AbsoluteUri, MaxEntries = 1, StartIndex = 1 }, CancellationToken.None);
        Assert.Empty(capped.Hits);
        Assert.Equal((1L, 2L, (long?)2L), (capped.Logs[0].StartIndex, capped.Logs[0].EndIndex, capped.Logs[0].NextIndex));
        var next = await client.Tlog.SearchLogAsync(window with { MaxEntries = 1, StartIndex = 2 }, CancellationToken.None);
        Assert.Equal(2, Assert.Single(next.Hits).LogIndex);

        log.Log.Fork();
        var refused = await Assert.ThrowsAsync<StellaOps.Ops.Contracts.OpsException>(() => HandshakeAndSettingsTests.Call(() => client.Tlog.SearchLogAsync(window, CancellationToken.None)));
        Assert.Equal(StellaOps.Ops.Contracts.OpsErrorCode.TransparencyLogInconsistent, refused.Code);
        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        // The daemon's own record still answers.
        Assert.Equal(2, (await client.Tlog.SearchAsync(window, CancellationToken.None)).Length);
    }

    [Fact]
    public Task Reading_a_v1_log_finds_an_entry_someone_else_wrote_and_a_forked_log_is_refused() => OnOneLogAsync(1, LogSearchFindsTheForeignEntryAndRefusesAForkAsync);

    [Fact]
    public Task Reading_a_v2_log_by_its_tiles_finds_an_entry_someone_else_wrote_and_a_forked_log_is_refused() => OnOneLogAsync(2, LogSearchFindsTheForeignEntryAndRefusesAForkAsync);

    /// <summary>
    /// The checkpoint a search verified is kept, durably: the next search proves the log's head consistent with it, so a
    /// log that rewrote an entry after the daemon's own last entry (consistent with that tree) but inside what a search
    /// verified is refused, after a restart too. Without -StartIndex, a window that begins after the kept checkpoint was
    /// verified is read from its end; a window that begins before is read from the log's first entry, so nothing in it
    /// is skipped, whoever searched before.
    /// </summary>
    private async Task ASearchKeepsItsCheckpointAndTheNextBeginsWhereTheWindowAllowsAsync(LogServer log, Dictionary<string, string> settings)
    {
        await using var first = await DaemonProcess.StartNewAsync(settings);
        var window = new TlogSearchQuery { After = DateTimeOffset.UtcNow.AddHours(-1), Before = DateTimeOffset.UtcNow.AddHours(1) };
        {
            await using var client = await first.ConnectAsync();
            await ActiveSoftwareKeyAsync(client);
            await WaitLoggedAsync(client, await CreateAsync(client, $"advance-v{log.Log.ApiVersion}", 1));
            var foreign = await LogForeignEntryAsync(log);

            var one = Assert.Single((await client.Tlog.SearchLogAsync(window, CancellationToken.None)).Logs);
            Assert.Equal((2L, 1L, 0L, 2L, TlogLogScan.FromLogStart), (one.CheckpointSize, (long)one.ConsistentWithSize!, one.StartIndex, one.EndIndex, one.StartedFrom));
            using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={first.DatabasePath};Mode=ReadOnly;Pooling=False"))
            {
                db.Open();
                using var read = db.CreateCommand();
                read.CommandText = "SELECT backend, log_id, origin, tree_size, root_hash, note FROM tlog_checkpoints;";
                using var row = read.ExecuteReader();
                Assert.True(row.Read(), "the verified checkpoint is stored");
                Assert.Equal((log.BaseUrl.AbsoluteUri, Convert.ToHexString(log.Log.LogId), log.Log.Origin, 2L), (row.GetString(0), Convert.ToHexString((byte[])row.GetValue(1)), row.GetString(2), row.GetInt64(3)));
                Assert.Equal(log.Log.Head().Root, (byte[])row.GetValue(4));
                Assert.StartsWith(log.Log.Origin + "\n2\n", System.Text.Encoding.UTF8.GetString((byte[])row.GetValue(5)), StringComparison.Ordinal);
                Assert.False(row.Read());
            }

            // A window that begins after that checkpoint was verified (and the clock skew): its entries are older, the read begins at its end.
            var later = window with { After = DateTimeOffset.UtcNow + TransparencyLogSearchClockSkew + TimeSpan.FromMinutes(1) };
            await LogForeignEntryAsync(log);
            var advanced = await client.Tlog.SearchLogAsync(later, CancellationToken.None);
            var scan = Assert.Single(advanced.Logs);
            Assert.Equal((3L, 2L, 2L, 3L, TlogLogScan.FromCheckpoint), (scan.CheckpointSize, (long)scan.ConsistentWithSize!, scan.StartIndex, scan.EndIndex, scan.StartedFrom));
            Assert.NotNull(scan.CheckpointVerifiedAt);
            // A v2 entry records no time (every entry read counts); a v1 entry's time is now, before this window.
            Assert.Equal(log.Log.ApiVersion == 2 ? [2L] : [], advanced.Hits.Select(h => h.LogIndex));
            // Now two checkpoints are kept, both verified before that window: it begins after the larger.
            Assert.Equal((3L, TlogLogScan.FromCheckpoint), (await client.Tlog.SearchLogAsync(later, CancellationToken.None)).Logs.Select(l => (l.StartIndex, l.StartedFrom)).Single());
            // -StartIndex still decides when given.
            Assert.Equal((0L, TlogLogScan.FromStartIndex), (await client.Tlog.SearchLogAsync(later with { StartIndex = 0 }, CancellationToken.None)).Logs.Select(l => (l.StartIndex, l.StartedFrom)).Single());

            // The first window again: it began before the checkpoint was verified, so nothing is skipped.
            var again = await client.Tlog.SearchLogAsync(window, CancellationToken.None);
            Assert.Equal((0L, 3L, TlogLogScan.FromLogStart), again.Logs.Select(l => (l.StartIndex, l.EndIndex, l.StartedFrom)).Single());
            Assert.Equal([1L, 2L], again.Hits.Select(h => h.LogIndex).Order());
            Assert.Equal(foreign, again.Hits.Single(h => h.LogIndex == 1).SigningKeyId);
        }
        Assert.Equal(0, await first.StopAsync());

        // Entry 2 rewritten: the tree of the daemon's own entry (size 1) is still extended; the searches' checkpoint (3) is not.
        log.Log.Fork(2);
        await using var second = new DaemonProcess(first.Root, first.Settings);
        await second.StartAsync();
        await using var after = await second.ConnectAsync();
        var refused = await Assert.ThrowsAsync<StellaOps.Ops.Contracts.OpsException>(() => HandshakeAndSettingsTests.Call(() => after.Tlog.SearchLogAsync(window, CancellationToken.None)));
        Assert.Equal(StellaOps.Ops.Contracts.OpsErrorCode.TransparencyLogInconsistent, refused.Code);
        Assert.Contains("the checkpoint a search verified", refused.Message, StringComparison.Ordinal);
        Assert.Contains("(size 3,", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>The daemon's allowance for a log's clock running ahead (TransparencyLogSearch.ClockSkew; the daemon is not referenced here).</summary>
    private static readonly TimeSpan TransparencyLogSearchClockSkew = TimeSpan.FromMinutes(5);

    [Fact]
    public Task A_v1_log_search_keeps_its_checkpoint_catches_a_later_fork_after_a_restart_and_begins_where_the_window_allows() => OnOneLogAsync(1, ASearchKeepsItsCheckpointAndTheNextBeginsWhereTheWindowAllowsAsync);

    [Fact]
    public Task A_v2_log_search_keeps_its_checkpoint_catches_a_later_fork_after_a_restart_and_begins_where_the_window_allows() => OnOneLogAsync(2, ASearchKeepsItsCheckpointAndTheNextBeginsWhereTheWindowAllowsAsync);

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

using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Daemon.TrustSync;
using StellaOps.Ops.TestSupport.Tuf;
using StellaOps.Ops.Tuf;
using StellaOps.Ops.Tuf.Snapshots;
using LogLevel = StellaOps.Ops.Contracts.Rpc.LogLevel;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// Trust init, sync and import change files, which cannot join a transaction, so their audit is an intent: "started"
/// before the files change, the outcome after. Here on the daemon's real parts (trust sync, audit log and settings on
/// a real SQLite state, a TUF repository served on 127.0.0.1): the outcome says what changed; an intent a crash left
/// open is settled at start against the cache, as applied or not applied; and the refresh timer that refuses stale
/// metadata past the --allow-stale grant ends the grant with an audit record of its own (a clock the test moves).
/// </summary>
public sealed class TrustChangeAuditTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stellaops-trust-audit-").FullName;
    private readonly DaemonCore _core = new(new ManualTime(DateTimeOffset.UtcNow));
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private TufTestRepository _repo = null!;
    private LoopbackFileServer _server = null!;
    private TrustSyncPaths _paths = null!;
    private AuditLog _audit = null!;

    public async Task InitializeAsync()
    {
        _repo = new TufTestRepository(Path.Combine(_dir, "repo"), _clock.GetUtcNow());
        _repo.AddTarget(TrustSyncService.TrustedRootTarget, TrustedRoot("https://rekor.sigstore.dev"));
        await _repo.PublishAsync();
        _server = new LoopbackFileServer(_repo.Directory);
        _paths = Paths("daemon");
        _audit = new AuditLog(new EventStore(_core.State), NullLogger<AuditLog>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _core.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private TrustSyncPaths Paths(string daemon)
    {
        var state = Path.Combine(_dir, daemon);
        return new TrustSyncPaths(new DaemonPaths(Options.Create(new DaemonOptions { StateDirectory = state }), Options.Create(new IpcOptions { Endpoint = Path.Combine(state, "s.sock") })));
    }

    /// <summary>The daemon's trust sync on the test's state; a new one is a restart: it knows what the disk and the database hold.</summary>
    private TrustSyncService NewSync(TrustSyncPaths? paths = null) => new(paths ?? _paths, new TufSigstoreTrustSource(_clock), _core.Settings, _audit, _clock, NullLogger<TrustSyncService>.Instance);

    private Task<TrustSyncResult> InitAsync(TrustSyncService sync) => sync.InitAsync(new TrustInitRequest
    {
        TufUrl = _server.BaseUrl + "metadata/", TargetsUrl = _server.BaseUrl + "targets/", Root = _repo.InitialRoot,
    }, null, CancellationToken.None);

    /// <summary>The audit events (newest first), those whose text holds <paramref name="filter"/>.</summary>
    private LogEvent[] Audit(string filter) => new EventStore(_core.State).Query(new LogQuery { Component = Components.Audit, Filter = filter });

    private static byte[] TrustedRoot(string log) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["mediaType"] = SigstoreTrustedRootParser.MediaTypeV02, ["tlogs"] = new JsonArray(), ["certificateAuthorities"] = new JsonArray(),
        ["ctlogs"] = new JsonArray(), ["timestampAuthorities"] = new JsonArray(), ["note"] = log,
    }.ToJsonString());

    /// <summary>What a sync writes before it changes a file, and then a crash: the intent is left open.</summary>
    private AuditIntent LeaveIntent() => _audit.StartIntent(TrustSyncService.IntentSubject, "tuf.SyncAsync", "about to change the TUF cache",
        TrustCacheState.Read(_paths).ToJson(), () => (false, ""));

    private void Settle()
    {
        using var restarted = NewSync();
        restarted.SettleInterrupted();
    }

    [Fact]
    public async Task Init_and_sync_are_audited_started_before_the_change_and_completed_with_what_changed_or_nothing_changed()
    {
        using var sync = NewSync();
        await InitAsync(sync);
        var init = Audit("tuf.InitAsync");
        Assert.Equal(2, init.Length);
        Assert.Matches(@"^tuf\.InitAsync by daemon started: about to change the TUF cache \S+ \(the cache holds nothing yet\); intends: trust root v1 \(SHA-256 [0-9a-f]{64}\) of http://127\.0\.0\.1:\d+/metadata/, then a first refresh$", init[1].Message);
        Assert.StartsWith($"tuf.InitAsync by daemon succeeded (intent {init[1].Id}): root none → v1, timestamp none → v1, snapshot none → v1, targets none → v1, repository none → http://127.0.0.1:", init[0].Message, StringComparison.Ordinal);
        Assert.Contains("targets/trusted_root.json added", init[0].Message, StringComparison.Ordinal);

        _repo.AddTarget(TrustSyncService.TrustedRootTarget, TrustedRoot("https://log2.rekor.example.dev"));
        await _repo.PublishAsync();
        await sync.SyncAsync(new TrustSyncRequest(), null, CancellationToken.None);
        var changed = Audit("tuf.SyncAsync");
        Assert.Equal(2, changed.Length);
        Assert.Contains("started: about to change the TUF cache", changed[1].Message, StringComparison.Ordinal);
        Assert.Contains("(root v1, timestamp v1, snapshot v1, targets v1 of http://127.0.0.1:", changed[1].Message, StringComparison.Ordinal);
        Assert.StartsWith($"tuf.SyncAsync by daemon succeeded (intent {changed[1].Id}): timestamp v1 → v2, snapshot v1 → v2, targets v1 → v2, targets/trusted_root.json changed", changed[0].Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, changed[0].Level);

        _clock.Advance(TimeSpan.FromMinutes(1));
        await sync.SyncAsync(new TrustSyncRequest(), null, CancellationToken.None);
        var nothing = Audit("tuf.SyncAsync")[0];
        Assert.Equal("tuf.SyncAsync by daemon succeeded, nothing changed (intent " + Audit("tuf.SyncAsync")[1].Id + "): only the time of the last good refresh moved", nothing.Message);
        Assert.Empty(_audit.OpenIntents(TrustSyncService.IntentSubject));
    }

    [Fact]
    public async Task A_sync_that_fails_is_completed_as_failed_with_the_error_id_and_what_it_changed_before()
    {
        using var sync = NewSync();
        await InitAsync(sync);
        // The repository serves a timestamp that never ends: refused at its size limit, before anything is stored.
        _server.Faults["/metadata/timestamp.json"] = LoopbackFault.EndlessBody;
        var refused = await Assert.ThrowsAsync<OpsException>(() => sync.SyncAsync(new TrustSyncRequest(), null, CancellationToken.None));
        var failed = Audit("tuf.SyncAsync");
        Assert.Equal(2, failed.Length);
        Assert.Equal(OpsErrorCode.TufLengthExceeded, refused.Code);
        Assert.StartsWith($"tuf.SyncAsync by daemon failed (intent {failed[1].Id}): TufLengthExceeded: ", failed[0].Message, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was changed", failed[0].Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, failed[0].Level);
        Assert.Empty(_audit.OpenIntents(TrustSyncService.IntentSubject));
    }

    [Fact]
    public async Task A_snapshot_import_is_audited_started_with_the_bundles_versions_and_completed_with_what_it_changed()
    {
        using var online = NewSync();
        await InitAsync(online);
        var exported = await online.ExportAsync(includeRoot: false, CancellationToken.None);
        using var bundle = new MemoryStream();
        TrustSnapshotBundle.Write(bundle, exported.Files, _server.BaseUrl, _clock.GetUtcNow());
        bundle.Position = 0;
        var files = TrustSnapshotBundle.Read(bundle);

        // An air-gapped daemon with only the root: its first refresh fails (said in its init's outcome); the import brings the rest.
        using var offline = NewSync(Paths("offline"));
        await offline.InitAsync(new TrustInitRequest { TufUrl = "http://127.0.0.1:9/metadata/", Root = _repo.InitialRoot }, null, CancellationToken.None);
        Assert.Contains("; the first refresh failed (TrustMetadataStale): the root is trusted", Audit("tuf.InitAsync")[0].Message, StringComparison.Ordinal);
        await offline.ImportAsync(new TrustSnapshotFiles { Files = files }, force: false, CancellationToken.None);

        var import = Audit("tuf.ImportSnapshotAsync");
        Assert.Equal(2, import.Length);
        Assert.EndsWith("(root v1 of http://127.0.0.1:9/metadata/); intends: the import of a snapshot holding root v1, timestamp v1, snapshot v1, targets v1", import[1].Message, StringComparison.Ordinal);
        Assert.StartsWith($"tuf.ImportSnapshotAsync by daemon succeeded (intent {import[1].Id}): timestamp none → v1, snapshot none → v1, targets none → v1", import[0].Message, StringComparison.Ordinal);
        Assert.Contains("targets/trusted_root.json added", import[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_intent_a_crash_left_before_the_files_changed_is_settled_at_start_as_interrupted_not_applied()
    {
        using (var sync = NewSync()) await InitAsync(sync);
        var left = LeaveIntent();
        Assert.Equal(left.Id, Assert.Single(_audit.OpenIntents(TrustSyncService.IntentSubject)).Id);

        Settle();

        Assert.Empty(_audit.OpenIntents(TrustSyncService.IntentSubject));
        var settled = Assert.Single(Audit($"(intent {left.Id}, started"));
        Assert.StartsWith("tuf.SyncAsync by daemon interrupted: not applied", settled.Message, StringComparison.Ordinal);
        Assert.Contains("every file of the TUF cache is as it was (root v1, timestamp v1, snapshot v1, targets v1 of http://127.0.0.1:", settled.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, settled.Level);

        // Settled once: the next start finds nothing open.
        Settle();
        Assert.Single(Audit($"(intent {left.Id}, started"));
    }

    [Fact]
    public async Task An_intent_a_crash_left_after_the_files_changed_is_settled_at_start_as_interrupted_applied_with_what_changed()
    {
        using (var sync = NewSync()) await InitAsync(sync);
        _repo.AddTarget(TrustSyncService.TrustedRootTarget, TrustedRoot("https://log2.rekor.example.dev"));
        await _repo.PublishAsync();
        var left = LeaveIntent();
        // The crashed sync got as far as its files: the TUF client's own refresh of the daemon's cache, with no outcome after it.
        using (var updater = new TufUpdater(new TufUpdaterOptions
        {
            MetadataDirectory = _paths.Metadata, MetadataBaseUrl = _server.BaseUrl + "metadata/", TargetBaseUrl = _server.BaseUrl + "targets/",
            TargetDirectory = _paths.Targets, Clock = _clock,
        }))
        {
            await updater.RefreshAsync();
        }

        Settle();

        Assert.Empty(_audit.OpenIntents(TrustSyncService.IntentSubject));
        var settled = Assert.Single(Audit($"(intent {left.Id}, started"));
        Assert.StartsWith("tuf.SyncAsync by daemon interrupted: applied", settled.Message, StringComparison.Ordinal);
        Assert.Contains("the TUF cache changed: timestamp v1 → v2, snapshot v1 → v2, targets v1 → v2", settled.Message, StringComparison.Ordinal);
        Assert.Contains("it now holds root v1, timestamp v2, snapshot v2, targets v2", settled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_refresh_timer_refusing_stale_metadata_past_the_grants_max_age_ends_the_grant_and_audits_the_end_with_its_reason()
    {
        // Metadata that expires a day after the last good refresh; then the repository goes down.
        var lastGood = _clock.GetUtcNow();
        var expires = lastGood.AddDays(1);
        _repo.Timestamp.Expires = new DateTimeOffset(expires.Year, expires.Month, expires.Day, expires.Hour, expires.Minute, expires.Second, TimeSpan.Zero);
        await _repo.PublishAsync();
        using var sync = NewSync();
        await InitAsync(sync);
        await _server.DisposeAsync();

        // Two days later the operator grants stale serving up to three days after the last good refresh.
        _clock.Advance(TimeSpan.FromDays(2));
        var stale = await sync.SyncAsync(new TrustSyncRequest { AllowStale = true, MaxAge = Duration.Parse("3d") }, null, CancellationToken.None);
        Assert.True(stale.Stale);
        Assert.Equal("3d", _core.Settings.Value(TrustSyncService.StaleMaxAgeSetting));
        Assert.Contains(Audit("tuf.SyncAsync"), e => e.Message.Contains($"the --allow-stale grant set: {TrustSyncService.StaleMaxAgeSetting} = 3d", StringComparison.Ordinal));

        // The refresh timer runs every hour (and a bit of jitter) on the test's clock; the repository stays down.
        var timer = new TrustRefreshService(sync, _core.Settings, Options.Create(new TrustSyncOptions()), _clock, NullLogger<TrustRefreshService>.Instance);
        await timer.StartAsync(CancellationToken.None);
        LogEvent[] ended;
        DateTimeOffset seenAt;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((ended = Audit(TrustSyncService.StaleAllowanceAction)).Length == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"no end of the grant was audited; the clock is {_clock.GetUtcNow() - lastGood} past the last good refresh, the last timer outcome {sync.LastOutcome}");
                _clock.Advance(TimeSpan.FromMinutes(67));
                await Task.Delay(50);
            }
            seenAt = _clock.GetUtcNow();
        }
        finally
        {
            await timer.StopAsync(CancellationToken.None);
        }

        // Ended by the timer (the daemon's own record), only once past the grant, with its reason; in effect at once.
        var end = Assert.Single(ended);
        Assert.Equal("daemon", end.Caller);
        Assert.Matches(@"^tuf\.stale_allowance by daemon succeeded: the --allow-stale grant \(max age 3d\) ended: the last good refresh \(.+\) is older than the grant allows$", end.Message);
        Assert.True(seenAt - lastGood > TimeSpan.FromDays(3), $"ended {seenAt - lastGood} after the last good refresh, inside the grant");
        Assert.Equal("0s", _core.Settings.Value(TrustSyncService.StaleMaxAgeSetting));
        Assert.Null(sync.StaleAllowance);
    }
}

using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.TestSupport.Tuf;

namespace StellaOps.Ops.Tuf.Tests;

/// <summary>The local cache: re-verified on every load, never served when tampered, path checks, the clock guard, offline loading.</summary>
public class LocalCacheTests
{
    [Fact]
    public async Task ATamperedCachedTimestampIsNeverServedAndIsReplaced()
    {
        await using var f = await TufFixture.CreateAsync();
        await f.RefreshAsync();
        var path = Path.Combine(f.MetadataDirectory, "timestamp.json");
        var tampered = Encoding.UTF8.GetString(File.ReadAllBytes(path)).Replace("\"version\":1", "\"version\":7");
        File.WriteAllText(path, tampered);

        using (var offline = f.NewUpdater())
        {
            var set = offline.LoadFromCache();
            Assert.Null(set.Timestamp); // refused, not served
            Assert.Equal(["root"], offline.GetTrustedRoles().Select(r => r.Role));
        }
        var result = await f.RefreshAsync();
        Assert.Null(result["timestamp"].VersionBefore);
        Assert.Equal(f.Repository.ReadMetadata("timestamp.json"), File.ReadAllBytes(path));
    }

    [Fact]
    public async Task ATamperedCachedTargetsRoleIsNotUsedWhileTheRepositoryIsDown()
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddTarget("t", "t"u8.ToArray());
            return Task.CompletedTask;
        });
        await f.RefreshAsync();
        var path = Path.Combine(f.MetadataDirectory, "targets.json");
        File.WriteAllText(path, Encoding.UTF8.GetString(File.ReadAllBytes(path)).Replace("\"length\":1", "\"length\":2"));
        f.Server.Faults["/metadata/1.targets.json"] = LoopbackFault.NotFound;

        await Refuse.WithAsync(OpsErrorCode.TufFetchFailed, f.RefreshAsync);
        using var offline = f.NewUpdater();
        Assert.Null(offline.LoadFromCache().Targets);
    }

    [Fact]
    public async Task ATamperedCachedRootIsRefusedWithWhatToDo()
    {
        await using var f = await TufFixture.CreateAsync();
        var path = Path.Combine(f.MetadataDirectory, "root.json");
        File.WriteAllText(path, Encoding.UTF8.GetString(File.ReadAllBytes(path)).Replace("\"version\":1", "\"version\":9"));
        var e = await Refuse.WithAsync(OpsErrorCode.TufCacheUntrusted, f.RefreshAsync);
        Assert.Contains("initialise", e.RecommendedAction);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ACacheDirectoryOthersCanWriteOrALinkedFileIsRefused()
    {
        await using var f = await TufFixture.CreateAsync();
        File.SetUnixFileMode(f.MetadataDirectory, (UnixFileMode)0x1FF); // 0777
        var e = await Refuse.WithAsync(OpsErrorCode.TufCacheUntrusted, f.RefreshAsync);
        Assert.Contains("chmod go-w", e.RecommendedAction);
        File.SetUnixFileMode(f.MetadataDirectory, (UnixFileMode)0x1ED); // 0755

        var elsewhere = Path.Combine(f.RootDirectory, "elsewhere.json");
        File.WriteAllText(elsewhere, "{}");
        File.CreateSymbolicLink(Path.Combine(f.MetadataDirectory, "timestamp.json"), elsewhere);
        e = await Refuse.WithAsync(OpsErrorCode.TufCacheUntrusted, f.RefreshAsync);
        Assert.Contains("symbolic link", e.Message);
    }

    [Fact]
    public async Task AClockEarlierThanTheLastRefreshIsRefused()
    {
        await using var f = await TufFixture.CreateAsync();
        await f.RefreshAsync();
        f.Clock.Advance(TimeSpan.FromHours(-2));
        var e = await Refuse.WithAsync(OpsErrorCode.TufClockRolledBack, f.RefreshAsync);
        Assert.Contains("NTP", e.RecommendedAction);
        // The cache is not trusted on that clock either (expiry would be judged on it); a status view still reads it.
        using (var offline = f.NewUpdater())
        {
            Assert.Equal(OpsErrorCode.TufClockRolledBack, Assert.Throws<OpsException>(() => offline.LoadFromCache()).Code);
            Assert.NotNull(offline.LoadFromCache(ignoreExpiry: true).Targets);
        }
        f.Clock.Advance(TimeSpan.FromHours(3));
        await f.RefreshAsync();
        using var updater = f.NewUpdater();
        Assert.Equal(f.Clock.Now, updater.LastRefresh);
    }

    [Fact]
    public async Task CachedMetadataLoadsOfflineAndExpiryIsReportedForAStatusView()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.Timestamp.Expires = TufFixture.Start.AddDays(1);
        await f.Repository.PublishAsync();
        await f.RefreshAsync();
        await f.Server.DisposeAsync();
        f.Clock.Advance(TimeSpan.FromDays(2));

        using var updater = f.NewUpdater();
        Assert.Null(updater.LoadFromCache().Snapshot); // the expired timestamp stops the chain
        updater.LoadFromCache(ignoreExpiry: true);
        var roles = updater.GetTrustedRoles();
        Assert.Equal(["root", "timestamp", "snapshot", "targets"], roles.Select(r => r.Role));
        Assert.True(roles.Single(r => r.Role == "timestamp").IsExpired(f.Clock.Now));
    }

    [Fact]
    public async Task AnOfflineCopyVerifiesThroughTheFileSystemFetcherExactlyAsARefresh()
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddDelegation("targets", "a/b", ["*"]);
            r.AddTarget("x", "x"u8.ToArray(), "a/b");
            return Task.CompletedTask;
        });
        f.Repository.RotateTopLevelKey("root");
        await f.Repository.PublishAsync();
        var fetcher = new FileSystemTufFetcher(("bundle:/metadata/", f.Repository.MetadataDirectory), ("bundle:/targets/", f.Repository.TargetsDirectory));
        using var updater = new TufUpdater(new TufUpdaterOptions
        {
            MetadataDirectory = f.MetadataDirectory, MetadataBaseUrl = "bundle:/metadata", TargetBaseUrl = "bundle:/targets",
            TargetDirectory = f.TargetDirectory, Fetcher = fetcher, Clock = f.Clock,
        });
        Assert.Equal(2, (await updater.RefreshAsync())["root"].VersionAfter);
        Assert.Equal("x", File.ReadAllText(await updater.DownloadTargetAsync(await updater.GetTargetInfoAsync("x"))));

        File.WriteAllText(Path.Combine(f.Repository.MetadataDirectory, "timestamp.json"), "{\"signed\":{}}");
        using var again = new TufUpdater(new TufUpdaterOptions { MetadataDirectory = f.MetadataDirectory, MetadataBaseUrl = "bundle:/metadata", Fetcher = fetcher, Clock = f.Clock });
        await Refuse.WithAsync(OpsErrorCode.TufMetadataInvalid, () => again.RefreshAsync());
    }
}

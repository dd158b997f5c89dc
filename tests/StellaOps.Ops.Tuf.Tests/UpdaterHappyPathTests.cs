using System.Text;

namespace StellaOps.Ops.Tuf.Tests;

public class UpdaterHappyPathTests
{
    [Fact]
    public async Task RefreshReportsVersionsAndDownloadsAndReusesATarget()
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddTarget("dir/file.txt", Encoding.UTF8.GetBytes("hello"));
            return Task.CompletedTask;
        });
        using var updater = f.NewUpdater();

        var result = await updater.RefreshAsync();
        Assert.Equal(new long?[] { 1, null, null, null }, result.Roles.Select(r => r.VersionBefore));
        Assert.Equal(new long?[] { 1, 1, 1, 1 }, result.Roles.Select(r => r.VersionAfter));
        Assert.True(result.Changed);
        Assert.Equal(1, f.CachedVersion("timestamp"));
        Assert.Equal(f.Repository.ReadMetadata("1.snapshot.json"), f.CachedBytes("snapshot"));

        var info = await updater.GetTargetInfoAsync("dir/file.txt");
        Assert.Null(await updater.FindCachedTargetAsync(info));
        var path = await updater.DownloadTargetAsync(info);
        Assert.Equal("hello", File.ReadAllText(path));
        Assert.Equal(path, await updater.FindCachedTargetAsync(info));

        var roles = updater.GetTrustedRoles();
        Assert.Equal(["root", "timestamp", "snapshot", "targets"], roles.Select(r => r.Role));
        Assert.All(roles, r => Assert.Single(r.Keys));

        using var second = f.NewUpdater();
        var again = await second.RefreshAsync();
        Assert.False(again.Changed);
        Assert.Equal(new long?[] { 1, 1, 1, 1 }, again.Roles.Select(r => r.VersionBefore));
        Assert.NotNull(second.LastRefresh);
    }
}

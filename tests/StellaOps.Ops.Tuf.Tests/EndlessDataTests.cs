using StellaOps.Ops.Contracts;
using StellaOps.Ops.TestSupport.Tuf;

namespace StellaOps.Ops.Tuf.Tests;

/// <summary>Endless and oversized data, slow repositories, repository errors: the size caps and the time limit, over real HTTP.</summary>
public class EndlessDataTests
{
    [Theory]
    [InlineData("/metadata/timestamp.json", 16_384L)]
    [InlineData("/metadata/2.root.json", 512_000L)]
    [InlineData("/metadata/1.snapshot.json", 2_000_000L)]
    [InlineData("/metadata/1.targets.json", 5_000_000L)]
    public async Task AnEndlessMetadataBodyStopsAtItsLimit(string path, long limit)
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.ListMetaHashes = false; // no lengths listed (timestamp, snapshot): each role's own limit applies
            return Task.CompletedTask;
        });
        if (path.Contains("2.root", StringComparison.Ordinal)) File.WriteAllText(Path.Combine(f.Repository.MetadataDirectory, "2.root.json"), "{}");
        f.Server.Faults[path] = LoopbackFault.EndlessBody;

        var e = await Refuse.WithAsync(OpsErrorCode.TufLengthExceeded, f.RefreshAsync);
        Assert.Contains(limit.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        Assert.Equal(1, f.CachedVersion("root"));
    }

    [Fact]
    public async Task AnEndlessTargetStopsAtItsTrustedLengthAndIsNotStored()
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddTarget("big.bin", new byte[1000]);
            return Task.CompletedTask;
        });
        using var updater = f.NewUpdater();
        var info = await updater.GetTargetInfoAsync("big.bin");
        f.Server.Faults["/targets/" + info.Hashes["sha256"] + ".big.bin"] = LoopbackFault.EndlessBodyWithShortContentLength;

        await Refuse.WithAsync(OpsErrorCode.TufLengthExceeded, () => updater.DownloadTargetAsync(info));
        Assert.Null(await updater.FindCachedTargetAsync(info));
    }

    [Fact]
    public async Task AnOversizedLengthDeclaredUpFrontIsRefusedBeforeTheBody()
    {
        await using var f = await TufFixture.CreateAsync();
        File.WriteAllBytes(Path.Combine(f.Repository.MetadataDirectory, "2.root.json"), new byte[600_000]);
        await Refuse.WithAsync(OpsErrorCode.TufLengthExceeded, f.RefreshAsync);
    }

    [Fact]
    public async Task ASlowRepositoryTimesOut()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Server.Faults["/metadata/timestamp.json"] = LoopbackFault.Slow;
        using var updater = f.NewUpdater(fetcher: new HttpTufFetcher(timeout: TimeSpan.FromSeconds(1)));
        await Refuse.WithAsync(OpsErrorCode.TufTimeout, () => updater.RefreshAsync());
    }

    [Fact]
    public async Task RepositoryErrorsAndMissingFilesAreTyped()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Server.Faults["/metadata/timestamp.json"] = LoopbackFault.ServerError;
        var e = await Refuse.WithAsync(OpsErrorCode.TufFetchFailed, f.RefreshAsync);
        Assert.Contains("500", e.Message);
        f.Server.Faults["/metadata/timestamp.json"] = LoopbackFault.NotFound;
        await Refuse.WithAsync(OpsErrorCode.TufFetchFailed, f.RefreshAsync);
        await f.Server.DisposeAsync();
        await Refuse.WithAsync(OpsErrorCode.TufFetchFailed, f.RefreshAsync);
    }
}

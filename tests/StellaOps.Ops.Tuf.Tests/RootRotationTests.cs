using StellaOps.Ops.Contracts;
using StellaOps.Ops.TestSupport.Tuf;

namespace StellaOps.Ops.Tuf.Tests;

/// <summary>Spec 5.3: the root chain, thresholds of the old and the new root, skipped versions, limits, expiry.</summary>
public class RootRotationTests
{
    [Fact]
    public async Task AnUnsignedRootIsRefusedAtInit()
    {
        await using var f = await TufFixture.CreateAsync();
        var unsigned = await TufTestRepository.SignAsync(f.Repository.Root, []);
        var e = Assert.Throws<OpsException>(() => TufUpdater.Initialize(Path.Combine(f.RootDirectory, "other"), unsigned));
        Assert.Equal(OpsErrorCode.TufRootInvalid, e.Code);
        var garbage = Assert.Throws<OpsException>(() => TufUpdater.Initialize(Path.Combine(f.RootDirectory, "other"), "{\"signed\":1}"u8.ToArray()));
        Assert.Equal(OpsErrorCode.TufRootInvalid, garbage.Code);
    }

    [Fact]
    public async Task ARotationIsTakenWhenSignedByTheOldAndTheNewRootKeys()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.RotateTopLevelKey("root");
        f.Repository.RotateTopLevelKey("timestamp");
        await f.Repository.PublishAsync();

        var result = await f.RefreshAsync();
        Assert.Equal(new TufRoleChange("root", 1, 2), result["root"]);
        Assert.Equal(2, f.CachedVersion("root"));
        Assert.Equal(f.Repository.ReadMetadata("2.root.json"), f.CachedBytes("root"));
    }

    [Fact]
    public async Task ARefreshThroughTwoRotationsAnswersEveryRootItSteppedThroughInOrder()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.RotateTopLevelKey("root");
        await f.Repository.PublishAsync();
        f.Repository.RotateTopLevelKey("root");
        await f.Repository.PublishAsync();

        var result = await f.RefreshAsync();
        Assert.Equal(new TufRoleChange("root", 1, 3), result["root"]);
        // The cache keeps only root.json (v3); the intermediate v2 reaches the caller, which can hand the chain on.
        Assert.Equal([f.Repository.ReadMetadata("2.root.json"), f.Repository.ReadMetadata("3.root.json")], result.TrustedRoots);
        Assert.Empty((await f.RefreshAsync()).TrustedRoots);
    }

    [Fact]
    public async Task ANewRootSignedOnlyByTheNewKeysIsRefused()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.RotateTopLevelKey("root");
        await f.Repository.PublishRootAsync(signWith: f.Repository.Signers["root"]);

        await Refuse.WithAsync(OpsErrorCode.TufRootInvalid, f.RefreshAsync);
        Assert.Equal(1, f.CachedVersion("root"));
    }

    [Fact]
    public async Task ANewRootNotSignedByItsOwnThresholdIsRefused()
    {
        await using var f = await TufFixture.CreateAsync();
        var old = f.Repository.Signers["root"].ToList();
        f.Repository.RotateTopLevelKey("root");
        await f.Repository.PublishRootAsync(signWith: old);

        var e = await Refuse.WithAsync(OpsErrorCode.TufRootInvalid, f.RefreshAsync);
        Assert.Contains("new root", e.Message);
        Assert.Equal(1, f.CachedVersion("root"));
    }

    [Fact]
    public async Task ThresholdsOfTwoNeedTwoDistinctKeysInTheOldAndTheNewRoot()
    {
        await using var f = await TufFixture.CreateAsync();
        var first = f.Repository.Signers["root"][0];
        var second = f.Repository.AddKey("root");
        f.Repository.Root.Roles["root"].Threshold = 2;
        await f.Repository.PublishAsync(); // v2: signed by first (old threshold 1) and first+second (new threshold 2)
        Assert.Equal(2, (await f.RefreshAsync())["root"].VersionAfter);

        // v3 signed by only one of the two keys of v2: the old threshold (2) is not met.
        f.Repository.Root.Expires = f.Repository.Root.Expires.AddDays(1);
        await f.Repository.PublishRootAsync(signWith: [second]);
        await Refuse.WithAsync(OpsErrorCode.TufRootInvalid, f.RefreshAsync);
        Assert.Equal(2, f.CachedVersion("root"));

        // v3 signed by both: taken.
        File.WriteAllBytes(Path.Combine(f.Repository.MetadataDirectory, "3.root.json"), await TufTestRepository.SignAsync(f.Repository.Root, [first, second]));
        Assert.Equal(3, (await f.RefreshAsync())["root"].VersionAfter);
    }

    [Fact]
    public async Task TheSameKeyUnderTwoIdsAndTwiceTheSameSignatureCountOnce()
    {
        await using var f = await TufFixture.CreateAsync();
        var key = f.Repository.Signers["root"][0];
        // Root v2 lists the root key a second time under another id and asks for 2 signatures.
        f.Repository.Root.Keys["alias-of-the-root-key"] = key.PublicKey;
        f.Repository.Root.Roles["root"].KeyIds.Add("alias-of-the-root-key");
        f.Repository.Root.Roles["root"].Threshold = 2;
        f.Repository.Root.Version = 2;
        var md = new TufMetadata<RootMetadata>(f.Repository.Root);
        var sig = await md.SignAsync(key);
        md.Signatures.Add(new TufSignature("alias-of-the-root-key", sig.SignatureHex));
        md.Signatures.Add(new TufSignature(sig.KeyId, sig.SignatureHex));
        File.WriteAllBytes(Path.Combine(f.Repository.MetadataDirectory, "2.root.json"), md.ToBytes());

        var e = await Refuse.WithAsync(OpsErrorCode.TufRootInvalid, f.RefreshAsync);
        Assert.Contains("1 of the 2", e.Message);
    }

    [Fact]
    public async Task DuplicateTimestampSignaturesCountOnce()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.Root.Roles["timestamp"].Threshold = 2;
        await f.Repository.PublishAsync();
        var ts = TufMetadata<TimestampMetadata>.FromBytes(f.Repository.ReadMetadata("timestamp.json"));
        ts.Signatures.Add(ts.Signatures[0]);
        File.WriteAllBytes(Path.Combine(f.Repository.MetadataDirectory, "timestamp.json"), ts.ToBytes());

        await Refuse.WithAsync(OpsErrorCode.TufThresholdNotMet, f.RefreshAsync);
        Assert.Null(f.CachedVersion("timestamp"));
    }

    [Fact]
    public async Task ASkippedVersionEndsTheChainAndAMisnumberedRootIsRefused()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.Root.Expires = f.Repository.Root.Expires.AddDays(1);
        await f.Repository.PublishAsync();
        f.Repository.Root.Expires = f.Repository.Root.Expires.AddDays(1);
        await f.Repository.PublishAsync();
        File.Delete(Path.Combine(f.Repository.MetadataDirectory, "2.root.json"));

        Assert.Equal(new TufRoleChange("root", 1, 1), (await f.RefreshAsync())["root"]); // 3 is never asked for without 2
        File.Copy(Path.Combine(f.Repository.MetadataDirectory, "3.root.json"), Path.Combine(f.Repository.MetadataDirectory, "2.root.json"));
        await Refuse.WithAsync(OpsErrorCode.TufRootInvalid, f.RefreshAsync);
    }

    [Fact]
    public async Task AtMostMaxRootRotationsAreTakenInOneRefresh()
    {
        await using var f = await TufFixture.CreateAsync();
        for (var i = 0; i < 4; i++)
        {
            f.Repository.RotateTopLevelKey("root");
            await f.Repository.PublishAsync();
        }
        using var updater = new TufUpdater(new TufUpdaterOptions
        {
            MetadataDirectory = f.MetadataDirectory, MetadataBaseUrl = f.MetadataUrl, Clock = f.Clock, MaxRootRotations = 2,
        });
        Assert.Equal(3, (await updater.RefreshAsync())["root"].VersionAfter);
        Assert.Equal(5, (await updater.RefreshAsync())["root"].VersionAfter);
    }

    [Fact]
    public async Task AnExpiredFinalRootIsRefusedButExpiredIntermediateRootsAreNot()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.Root.Expires = TufFixture.Start.AddDays(-1); // v2 expired, v3 not
        await f.Repository.PublishAsync();
        f.Repository.Root.Expires = TufFixture.Start.AddDays(10);
        await f.Repository.PublishAsync();
        Assert.Equal(3, (await f.RefreshAsync())["root"].VersionAfter);

        f.Clock.Advance(TimeSpan.FromDays(11));
        await Refuse.WithAsync(OpsErrorCode.TufExpired, f.RefreshAsync);
    }
}

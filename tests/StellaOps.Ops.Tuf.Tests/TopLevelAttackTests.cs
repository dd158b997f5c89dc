using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.TestSupport.Tuf;

namespace StellaOps.Ops.Tuf.Tests;

/// <summary>Spec 5.4–5.6 for timestamp, snapshot and targets: rollback, freeze, mix-and-match, hashes and lengths, fast-forward recovery.</summary>
public class TopLevelAttackTests
{
    private static async Task<TufFixture> RefreshedTwiceAsync()
    {
        var f = await TufFixture.CreateAsync();
        f.Repository.AddTarget("a.txt", "a"u8.ToArray());
        await f.Repository.PublishAsync();
        await f.RefreshAsync();
        return f;
    }

    [Fact]
    public async Task AnOlderTimestampIsARollback()
    {
        await using var f = await RefreshedTwiceAsync();
        var old = f.Repository.Timestamp;
        old.Version = 1;
        f.Repository.WriteMetadata("timestamp", null, await TufTestRepository.SignAsync(old, f.Repository.Signers["timestamp"]));

        await Refuse.WithAsync(OpsErrorCode.TufRollback, f.RefreshAsync);
        Assert.Equal(2, f.CachedVersion("timestamp"));
    }

    [Fact]
    public async Task ATimestampListingAnOlderSnapshotIsARollback()
    {
        await using var f = await RefreshedTwiceAsync();
        var ts = f.Repository.Timestamp;
        ts.Version = 3;
        ts.SnapshotMeta = new MetaFile { Version = 1 };
        f.Repository.WriteMetadata("timestamp", null, await TufTestRepository.SignAsync(ts, f.Repository.Signers["timestamp"]));

        var e = await Refuse.WithAsync(OpsErrorCode.TufRollback, f.RefreshAsync);
        Assert.Equal("snapshot", e.Target);
        Assert.Equal(2, f.CachedVersion("timestamp"));
    }

    [Fact]
    public async Task ASnapshotListingAnOlderTargetsOrDroppingARoleIsARollback()
    {
        await using var f = await RefreshedTwiceAsync();
        f.Repository.ListMetaHashes = false;
        var snapshot = f.Repository.Snapshot;
        snapshot.Version = 3;
        snapshot.Meta["targets.json"] = new MetaFile { Version = 1 };
        await WriteSnapshotAndTimestampAsync(f.Repository, snapshot, 3);
        var e = await Refuse.WithAsync(OpsErrorCode.TufRollback, f.RefreshAsync);
        Assert.Equal("targets.json", e.Target);

        snapshot.Meta.Clear();
        await WriteSnapshotAndTimestampAsync(f.Repository, snapshot, 3);
        await Refuse.WithAsync(OpsErrorCode.TufRollback, f.RefreshAsync);
        Assert.Equal(2, f.CachedVersion("snapshot"));
    }

    [Fact]
    public async Task TargetsOfAnotherVersionThanSnapshotListsAreMixAndMatch()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.ListMetaHashes = false;
        await f.Repository.PublishAsync();
        var v1 = f.Repository.ReadMetadata("1.targets.json");
        f.Repository.AddTarget("a.txt", "a"u8.ToArray());
        await f.Repository.PublishAsync();
        File.WriteAllBytes(Path.Combine(f.Repository.MetadataDirectory, $"{f.Repository.Targets.Version}.targets.json"), v1);

        var e = await Refuse.WithAsync(OpsErrorCode.TufVersionMismatch, f.RefreshAsync);
        Assert.Equal("targets", e.Target);
        Assert.Null(f.CachedVersion("targets"));
    }

    [Fact]
    public async Task ASnapshotOfAnotherVersionThanTimestampListsIsMixAndMatch()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.ListMetaHashes = false;
        await f.Repository.PublishAsync();
        var v1 = f.Repository.ReadMetadata("1.snapshot.json");
        f.Repository.AddTarget("a.txt", "a"u8.ToArray());
        await f.Repository.PublishAsync();
        File.WriteAllBytes(Path.Combine(f.Repository.MetadataDirectory, $"{f.Repository.Snapshot.Version}.snapshot.json"), v1);

        await Refuse.WithAsync(OpsErrorCode.TufVersionMismatch, f.RefreshAsync);
    }

    [Fact]
    public async Task HashesAndLengthsListedByTheParentAreChecked()
    {
        await using var f = await TufFixture.CreateAsync();
        var snapshotFile = Path.Combine(f.Repository.MetadataDirectory, "1.snapshot.json");
        var good = File.ReadAllBytes(snapshotFile);
        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(good).Replace("\"version\":1", "\"version\":1 "));
        File.WriteAllBytes(snapshotFile, altered);
        await Refuse.WithAsync(OpsErrorCode.TufLengthExceeded, f.RefreshAsync);

        var sameLength = (byte[])good.Clone();
        var i = Array.LastIndexOf(sameLength, (byte)'}');
        sameLength[i - 1] ^= 0x01;
        File.WriteAllBytes(snapshotFile, sameLength);
        await Refuse.WithAsync(OpsErrorCode.TufHashMismatch, f.RefreshAsync);
        Assert.Null(f.CachedVersion("snapshot"));

        File.WriteAllBytes(snapshotFile, good);
        var targetsFile = Path.Combine(f.Repository.MetadataDirectory, "1.targets.json");
        var targets = File.ReadAllBytes(targetsFile);
        targets[Array.LastIndexOf(targets, (byte)'}') - 1] ^= 0x01;
        File.WriteAllBytes(targetsFile, targets);
        var e = await Refuse.WithAsync(OpsErrorCode.TufHashMismatch, f.RefreshAsync);
        Assert.Equal("targets", e.Target);
        Assert.Equal(1, f.CachedVersion("snapshot"));
        Assert.Null(f.CachedVersion("targets"));
    }

    [Fact]
    public async Task ATargetWhoseBytesChangedIsRefusedAndNotStored()
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddTarget("one.txt", "one"u8.ToArray());
            return Task.CompletedTask;
        });
        var info = f.Repository.Targets.Targets["one.txt"];
        f.Repository.WriteTarget(info, "evil"u8.ToArray());
        using var updater = f.NewUpdater();
        var trusted = await updater.GetTargetInfoAsync("one.txt");
        await Refuse.WithAsync(OpsErrorCode.TufLengthExceeded, () => updater.DownloadTargetAsync(trusted));
        f.Repository.WriteTarget(info, "eno"u8.ToArray());
        await Refuse.WithAsync(OpsErrorCode.TufHashMismatch, () => updater.DownloadTargetAsync(trusted));
        Assert.False(Directory.Exists(f.TargetDirectory) && Directory.EnumerateFiles(f.TargetDirectory).Any());
    }

    [Theory]
    [InlineData("timestamp")]
    [InlineData("snapshot")]
    [InlineData("targets")]
    public async Task ExpiredMetadataIsAFreezeAndIsNotStored(string role)
    {
        await using var f = await TufFixture.CreateAsync();
        await f.RefreshAsync();
        TufSigned signed = role switch { "timestamp" => f.Repository.Timestamp, "snapshot" => f.Repository.Snapshot, _ => f.Repository.Targets };
        signed.Expires = TufFixture.Start.AddDays(2);
        f.Repository.AddTarget("b.txt", "b"u8.ToArray());
        await f.Repository.PublishAsync();
        Assert.Equal(2, (await f.RefreshAsync())[role].VersionAfter);

        // Days later the repository (or an attacker replaying it) still serves the same files.
        f.Clock.Advance(TimeSpan.FromDays(3));
        var e = await Refuse.WithAsync(OpsErrorCode.TufExpired, f.RefreshAsync);
        Assert.Equal(role, e.Target);

        // A fresh timestamp over the expired file does not help either; an expired timestamp is never written to the cache.
        if (role == "timestamp")
        {
            f.Repository.Timestamp.Version = 3;
            f.Repository.WriteMetadata("timestamp", null, await TufTestRepository.SignAsync(f.Repository.Timestamp, f.Repository.Signers["timestamp"]));
            await Refuse.WithAsync(OpsErrorCode.TufExpired, f.RefreshAsync);
            Assert.Equal(2, f.CachedVersion("timestamp"));
        }
    }

    [Fact]
    public async Task FastForwardRecoveryAfterATimestampKeyRotation()
    {
        await using var f = await TufFixture.CreateAsync();
        // An attacker with the timestamp key makes the client trust version 1000.
        var ts = f.Repository.Timestamp;
        ts.Version = 1000;
        f.Repository.WriteMetadata("timestamp", null, await TufTestRepository.SignAsync(ts, f.Repository.Signers["timestamp"]));
        Assert.Equal(1000, (await f.RefreshAsync())["timestamp"].VersionAfter);

        // The repository rotates the timestamp key and starts over at a low version: the client follows.
        f.Repository.RotateTopLevelKey("timestamp");
        f.Repository.Timestamp.Version = 2;
        f.Repository.AddTarget("c.txt", "c"u8.ToArray());
        await f.Repository.PublishAsync();
        var result = await f.RefreshAsync();
        Assert.Equal(new TufRoleChange("timestamp", null, 2), result["timestamp"]);
        Assert.Equal(2, f.CachedVersion("timestamp"));
    }

    [Fact]
    public async Task FastForwardRecoveryAfterASnapshotKeyRotation()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.Snapshot.Version = 500;
        await f.Repository.PublishAsync();
        Assert.Equal(500, (await f.RefreshAsync())["snapshot"].VersionAfter);

        f.Repository.RotateTopLevelKey("snapshot");
        f.Repository.RotateTopLevelKey("timestamp");
        var snapshot = f.Repository.Snapshot;
        snapshot.Version = 1;
        await WriteSnapshotAndTimestampAsync(f.Repository, snapshot, 600);
        await f.Repository.PublishRootAsync();
        Assert.Equal(1, (await f.RefreshAsync())["snapshot"].VersionAfter);
    }

    private static async Task WriteSnapshotAndTimestampAsync(TufTestRepository repo, SnapshotMetadata snapshot, long timestampVersion)
    {
        var bytes = await TufTestRepository.SignAsync(snapshot, repo.Signers["snapshot"]);
        repo.WriteMetadata("snapshot", snapshot.Version, bytes);
        var ts = repo.Timestamp;
        ts.Version = timestampVersion;
        ts.SnapshotMeta = repo.ListMetaHashes ? MetaFile.Describing(snapshot.Version, bytes) : new MetaFile { Version = snapshot.Version };
        repo.WriteMetadata("timestamp", null, await TufTestRepository.SignAsync(ts, repo.Signers["timestamp"]));
    }
}

using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.PowerShell.TufRepository;
using StellaOps.Ops.Tuf;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.TufRepository.Tests;

/// <summary>
/// Hash-bin delegation on the repository side (TAP 15 succinct_roles): targets delegates to 16 bins, each target
/// lands in the bin its path hashes to, a new target re-signs only its bin, the validator checks the bins, and both
/// clients resolve targets through them.
/// </summary>
public sealed class HashBinTests
{
    private static string Name(int i) => $"artifacts/build-{i:D3}.txt";

    [Fact]
    public async Task Targets_in_16_hash_bins_reach_both_clients_and_a_new_target_re_signs_only_its_bin()
    {
        await using var w = await RepositoryWorld.CreateAsync(threshold: 1, keys: 1);
        var repo = w.Repository;
        for (var i = 0; i < 40; i++) repo.WriteContent(Name(i), Encoding.UTF8.GetBytes($"artifact {i}\n"));
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        var first = await repo.DelegateToHashBinsAsync(16, RepositoryWorld.OnlinePassword);
        Assert.Equal(16, first.Signed.Keys.Count(k => k.StartsWith("bins-", StringComparison.Ordinal)));
        repo.Publish(w.PublishDirectory);

        // targets lists nothing itself and delegates through succinct_roles; each target sits in the bin its path hashes to.
        var targets = repo.Read<TargetsMetadata>(TufRoleNames.Targets)!.Signed;
        Assert.Empty(targets.Targets);
        var bins = targets.Delegations!.SuccinctRoles!;
        Assert.Equal(4, bins.BitLength);
        var all = repo.ReadContent().Keys.ToList();
        Assert.Equal(43, all.Count);
        foreach (var name in all)
        {
            var holding = bins.GetRoles().Where(b => repo.Read<TargetsMetadata>(b)!.Signed.Targets.ContainsKey(name)).ToList();
            Assert.Equal([bins.GetRoleForTarget(name)], holding);
        }
        Assert.Equal(17, repo.Read<SnapshotMetadata>(TufRoleNames.Snapshot)!.Signed.Meta.Count);

        // Both clients find targets through the bins.
        var data = await w.BothClientsFetchAsync(Name(7));
        Assert.Equal("artifact 7\n", Encoding.UTF8.GetString(data));
        await w.BothClientsFetchAsync(SigstoreTargetEditor.SigningConfig);

        // One more target: only its bin gets a new version (targets itself is untouched), and clients see it.
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        var added = "artifacts/new-release.txt";
        repo.WriteContent(added, "new\n"u8);
        var result = await repo.SignAsync([], w.OnlineSigners());
        Assert.Equal(new[] { bins.GetRoleForTarget(added), TufRoleNames.Snapshot, TufRoleNames.Timestamp }.Order(StringComparer.Ordinal), result.Signed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, result.Signed[bins.GetRoleForTarget(added)]);
        repo.Publish(w.PublishDirectory);
        Assert.Equal("new\n", Encoding.UTF8.GetString(await w.BothClientsFetchAsync(added)));
        Assert.Empty(repo.GetStatus().PendingChanges);
    }

    [Fact]
    public async Task The_validator_refuses_a_bin_that_lists_a_target_of_another_bin_or_lacks_its_signature()
    {
        await using var w = await RepositoryWorld.CreateAsync(threshold: 1, keys: 1);
        var repo = w.Repository;
        for (var i = 0; i < 8; i++) repo.WriteContent(Name(i), Encoding.UTF8.GetBytes($"artifact {i}\n"));
        await repo.DelegateToHashBinsAsync(16, RepositoryWorld.OnlinePassword);
        Assert.Empty(new TufRepositoryValidator(repo).Check(null));
        var bins = repo.HashBinRoles!;

        // A bin listing a target that hashes elsewhere, validly signed by the bins key: refused, naming the right bin.
        var name = Name(0);
        var home = bins.GetRoleForTarget(name);
        var other = bins.GetRoles().First(b => b != home);
        var md = repo.Read<TargetsMetadata>(other)!;
        md.Signed.Targets[name] = repo.Read<TargetsMetadata>(home)!.Signed.Targets[name];
        using (var key = repo.LoadOnlineKey(TufHashBins.KeyRole, RepositoryWorld.OnlinePassword))
            await md.SignAsync(key, append: false);
        var path = Path.Combine(repo.MetadataDirectory, TufFileNames.Role(other));
        var original = File.ReadAllBytes(path);
        File.WriteAllBytes(path, md.ToBytes(indented: true));
        var problems = new TufRepositoryValidator(repo).Check(null);
        Assert.Contains(problems, p => p.Code == OpsErrorCode.TufRepositoryOutOfStep && p.Message.Contains($"hashes to {home}", StringComparison.Ordinal));

        // A bin whose signature is gone: threshold not met.
        var unsigned = TufMetadata<TargetsMetadata>.FromBytes(original, other);
        unsigned.Signatures.Clear();
        File.WriteAllBytes(path, unsigned.ToBytes(indented: true));
        problems = new TufRepositoryValidator(repo).Check(null);
        Assert.Contains(problems, p => p.Code == OpsErrorCode.TufRepositoryThresholdNotMet && p.Message.Contains(other, StringComparison.Ordinal));
        Assert.Throws<OpsException>(() => repo.Publish(w.PublishDirectory));
    }
}

using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Tuf.Tests;

/// <summary>Spec 5.6.7: the delegation walk (pre-order depth-first, visited once, terminating, paths, hash bins, limits) and delegated role names.</summary>
public class DelegationTests
{
    public static TheoryData<string, string, string> Graphs => new()
    {
        // name, delegations "delegator>role[:flags]" (flags: t terminating, p=pattern), expected visit order
        { "single level", "targets>A targets>B", "A B" },
        { "two levels", "targets>A targets>B B>C", "A B C" },
        { "pre-order depth first", "targets>A targets>B A>C A>D", "A C D B" },
        { "three levels depth first", "targets>A targets>B A>C C>D", "A C D B" },
        { "terminating ends the search below its delegator", "targets>A targets>B A>C:t A>D", "A C" },
        { "terminating keeps its own delegations", "targets>A targets>B A>C:t C>D", "A C D" },
        { "non-matching paths prune a branch", "targets>A:p=*.py targets>B A>C", "B" },
        { "non-matching paths prune deeper", "targets>A targets>B A>C:p=*.py C>D", "A B" },
        { "a cycle is visited once", "targets>A targets>B B>C C>D D>B", "A B C D" },
        { "a diamond is visited once, through the first path", "targets>A targets>B B>C A>C", "A C B" },
        { "a diamond through the branch that delegates the path", "targets>A targets>B B>C A>C:p=*.py", "A B C" },
    };

    [Theory]
    [MemberData(nameof(Graphs))]
    public async Task TheWalkVisitsRolesInOrder(string name, string delegations, string expected)
    {
        Assert.NotEmpty(name);
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            foreach (var d in delegations.Split(' '))
            {
                var (delegator, rest) = (d[..d.IndexOf('>')], d[(d.IndexOf('>') + 1)..]);
                var parts = rest.Split(':');
                var flags = parts.Length > 1 ? parts[1] : "";
                var pattern = flags.StartsWith("p=", StringComparison.Ordinal) ? flags[2..] : "*";
                if (r.Delegated.ContainsKey(parts[0]))
                {
                    // A second delegation to an existing role: same role, its key listed by the new delegator too.
                    var parent = r.Role(delegator);
                    parent.Delegations ??= new Delegations { Roles = [] };
                    var signer = r.Signers[parts[0]][0];
                    parent.Delegations.Keys[signer.KeyId] = signer.PublicKey;
                    parent.Delegations.Roles!.Add(new DelegatedRole { Name = parts[0], KeyIds = [signer.KeyId], Paths = [pattern], Terminating = flags == "t" });
                }
                else
                {
                    r.AddDelegation(delegator, parts[0], [pattern], terminating: flags == "t");
                }
            }
            return Task.CompletedTask;
        });
        using var updater = f.NewUpdater();
        await updater.RefreshAsync();
        f.Server.TakeRequests();

        Assert.Null(await updater.TryGetTargetInfoAsync("missingpath"));
        Assert.Equal(expected.Split(' ').Select(r => $"/metadata/1.{r}.json"), f.Server.TakeRequests());
        await Refuse.WithAsync(OpsErrorCode.TufTargetNotFound, () => updater.GetTargetInfoAsync("missingpath"));
    }

    [Theory]
    [InlineData("targetfile", "targetfile content", "")]
    [InlineData("README.md", "README by A", "A")]
    [InlineData("releases/x/x_v1", "x release by C", "B C")]
    [InlineData("releases/y/y_v1.zip", "y release by D", "B D")]
    [InlineData("releases/z/z_v1.zip", null, "B")]
    public async Task TargetsAreFoundOnlyThroughRolesDelegatedForTheirPath(string path, string? content, string visited)
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddDelegation("targets", "A", ["*.doc", "*.md"]);
            r.AddDelegation("targets", "B", ["releases/*/*"]);
            r.AddDelegation("B", "C", ["releases/x/*"]);
            r.AddDelegation("B", "D", ["releases/y/*.zip"]);
            r.AddTarget("targetfile", "targetfile content"u8.ToArray());
            r.AddTarget("README.md", "README by A"u8.ToArray(), "A");
            r.AddTarget("releases/x/x_v1", "x release by C"u8.ToArray(), "C");
            r.AddTarget("releases/y/y_v1.zip", "y release by D"u8.ToArray(), "D");
            // D lists a target outside the paths B delegated to it: never found there.
            r.AddTarget("releases/z/z_v1.zip", "z release by D"u8.ToArray(), "D");
            return Task.CompletedTask;
        });
        using var updater = f.NewUpdater();
        await updater.RefreshAsync();
        f.Server.TakeRequests();

        var info = await updater.TryGetTargetInfoAsync(path);
        Assert.Equal(visited.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(r => $"/metadata/1.{r}.json"), f.Server.TakeRequests());
        if (content is null)
        {
            Assert.Null(info);
            return;
        }
        Assert.Equal(content, File.ReadAllText(await updater.DownloadTargetAsync(info!)));
    }

    [Fact]
    public async Task HashBinsFetchOnlyTheBinOfTheTarget()
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            var bins = r.AddSuccinctDelegation("targets", 4, "bin");
            for (var i = 0; i < 50; i++)
            {
                var path = $"files/{i}.txt";
                r.AddTarget(path, System.Text.Encoding.UTF8.GetBytes($"file {i}"), bins.GetRoleForTarget(path));
            }
            return Task.CompletedTask;
        });
        using var updater = f.NewUpdater();
        await updater.RefreshAsync();
        f.Server.TakeRequests();

        var bin = f.Repository.Targets.Delegations!.SuccinctRoles!.GetRoleForTarget("files/7.txt");
        Assert.Matches("^bin-[0-9a-f]$", bin);
        var info = await updater.GetTargetInfoAsync("files/7.txt");
        Assert.Equal([$"/metadata/1.{bin}.json"], f.Server.TakeRequests());
        Assert.Equal("file 7", File.ReadAllText(await updater.DownloadTargetAsync(info)));
        Assert.Null(await updater.TryGetTargetInfoAsync("files/none.txt"));
    }

    [Fact]
    public async Task PathHashPrefixesSelectTheRole()
    {
        const string target = "some/file.bin";
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(target)));
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddDelegation("targets", "other", null, hashPrefixes: [hash[0] == '0' ? "1" : "0"]);
            r.AddDelegation("targets", "mine", null, hashPrefixes: [hash[..2]]);
            r.AddTarget(target, "x"u8.ToArray(), "mine");
            return Task.CompletedTask;
        });
        using var updater = f.NewUpdater();
        await updater.RefreshAsync();
        f.Server.TakeRequests();
        Assert.NotNull(await updater.TryGetTargetInfoAsync(target));
        Assert.Equal(["/metadata/1.mine.json"], f.Server.TakeRequests());
    }

    [Fact]
    public async Task TheWalkStopsAtMaxDelegations()
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddDelegation("targets", "A", ["*"]);
            r.AddDelegation("A", "B", ["*"]);
            r.AddDelegation("B", "C", ["*"]);
            r.AddTarget("deep", "deep"u8.ToArray(), "C");
            return Task.CompletedTask;
        });
        using (var limited = f.NewUpdater(maxDelegations: 3))
            await Refuse.WithAsync(OpsErrorCode.TufDelegationLimitReached, () => limited.GetTargetInfoAsync("deep"));
        using var enough = f.NewUpdater(maxDelegations: 4);
        Assert.NotNull(await enough.GetTargetInfoAsync("deep"));
    }

    [Fact]
    public async Task ADelegatedRoleSignedByAKeyItsDelegatorDoesNotListIsRefused()
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddDelegation("targets", "A", ["*"]);
            r.AddTarget("a", "a"u8.ToArray(), "A");
            r.Signers["A"] = [SoftwareTufSigner.GenerateEd25519()];
            return Task.CompletedTask;
        });
        using var updater = f.NewUpdater();
        var e = await Refuse.WithAsync(OpsErrorCode.TufThresholdNotMet, () => updater.GetTargetInfoAsync("a"));
        Assert.Equal("A", e.Target);
    }

    [Fact]
    public async Task ACachedDelegatedRoleIsVerifiedAgainstItsCurrentDelegator()
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.ListMetaHashes = false;
            r.AddDelegation("targets", "A", ["*"]);
            r.AddTarget("a", "a"u8.ToArray(), "A");
            return Task.CompletedTask;
        });
        using (var first = f.NewUpdater())
            await first.GetTargetInfoAsync("a");
        Assert.Equal(1, f.CachedVersion("A"));

        // targets replaces A's key; A's file (same version, same content) is re-signed with the new key.
        var a = f.Repository.Targets.Delegations!.Roles!.Single();
        var oldKey = a.KeyIds.Single();
        a.KeyIds.Clear();
        f.Repository.Targets.Delegations.Keys.Remove(oldKey);
        f.Repository.Signers["A"] = [];
        f.Repository.AddKey("A", "targets");
        await f.Repository.PublishAsync();
        Assert.Equal(1, f.Repository.Delegated["A"].Version);

        using var second = f.NewUpdater();
        await second.RefreshAsync();
        f.Server.TakeRequests();
        Assert.NotNull(await second.GetTargetInfoAsync("a"));
        Assert.Equal(["/metadata/1.A.json"], f.Server.TakeRequests()); // the cached A no longer verifies: fetched again
        Assert.Equal(f.Repository.ReadMetadata("1.A.json"), f.CachedBytes("A"));

        // A key change the repository did not follow with a re-signed A: the cached A (same bytes as served) is not used.
        var stale = f.CachedBytes("A");
        var current = f.Repository.Targets.Delegations.Roles!.Single();
        f.Repository.Targets.Delegations.Keys.Remove(current.KeyIds.Single());
        current.KeyIds.Clear();
        f.Repository.Signers["A"] = [];
        f.Repository.AddKey("A", "targets");
        await f.Repository.PublishAsync();
        File.WriteAllBytes(Path.Combine(f.Repository.MetadataDirectory, "1.A.json"), stale);
        using var third = f.NewUpdater();
        await third.RefreshAsync();
        var e = await Refuse.WithAsync(OpsErrorCode.TufThresholdNotMet, () => third.GetTargetInfoAsync("a"));
        Assert.Equal("A", e.Target);
    }

    [Fact]
    public async Task ATargetPathThatWouldClimbOutOfTheTargetsUrlIsNotRequested()
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.Targets.Targets["../../escape.txt"] = TargetFile.Describing("../../escape.txt", "x"u8);
            return Task.CompletedTask;
        });
        using var updater = f.NewUpdater();
        var info = await updater.GetTargetInfoAsync("../../escape.txt");
        f.Server.TakeRequests();
        await Refuse.WithAsync(OpsErrorCode.TufMetadataInvalid, () => updater.DownloadTargetAsync(info));
        Assert.Empty(f.Server.TakeRequests());
    }

    public static TheoryData<string> UnusualRoleNames => new() { "?", "#", "/delegatedrole", "../delegatedrole", "a b%c", "ünïcode" };

    [Theory]
    [MemberData(nameof(UnusualRoleNames))]
    public async Task UnusualRoleNamesAreEscapedInUrlsAndFileNames(string role)
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddDelegation("targets", role, ["*"]);
            r.AddTarget("file", "content"u8.ToArray(), role);
            return Task.CompletedTask;
        });
        using var updater = f.NewUpdater();
        await updater.RefreshAsync();
        f.Server.TakeRequests();
        Assert.NotNull(await updater.GetTargetInfoAsync("file"));
        Assert.Equal([$"/metadata/1.{Uri.EscapeDataString(role)}.json"], f.Server.TakeRequests());
        var files = Directory.GetFiles(f.MetadataDirectory).Select(Path.GetFileName).ToList();
        Assert.Contains(Uri.EscapeDataString(role) + ".json", files);
        Assert.Empty(Directory.GetDirectories(f.MetadataDirectory));
        Assert.False(File.Exists(Path.Combine(f.RootDirectory, "client", "delegatedrole.json")));
    }

    [Theory]
    [InlineData("a b/c?d#e.txt")]
    [InlineData("dir/%2e%2e/x")]
    public async Task UnusualTargetNamesAreEscapedAndStayInTheTargetDirectory(string path)
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddTarget(path, "payload"u8.ToArray());
            return Task.CompletedTask;
        });
        using var updater = f.NewUpdater();
        var local = await updater.DownloadTargetAsync(await updater.GetTargetInfoAsync(path));
        Assert.Equal(f.TargetDirectory, Path.GetDirectoryName(local));
        Assert.Equal("payload", File.ReadAllText(local));
        Assert.Contains(f.Server.Requests, r => r.StartsWith("/targets/", StringComparison.Ordinal)
            && r.EndsWith("." + Uri.EscapeDataString(path.Split('/')[^1]), StringComparison.Ordinal) && !r.Contains("/../", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(f.RootDirectory, "escape.txt")));
    }
}

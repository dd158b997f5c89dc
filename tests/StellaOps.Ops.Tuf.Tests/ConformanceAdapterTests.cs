using System.Diagnostics;
using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.Tuf.Tests;

/// <summary>
/// The conformance adapter (tests/StellaOps.Ops.TufConformance) run as the tuf-conformance suite runs it: a process
/// per command, exit 0 or 1, unversioned files in the metadata directory. Cases reproduced from the suite.
/// </summary>
public class ConformanceAdapterTests
{
    private static string AdapterDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
            return Path.Combine(RepositoryRoot.Path, "tests/StellaOps.Ops.TufConformance/bin", configuration, "net10.0/stella-tuf-conformance.dll");
        }
    }

    private static async Task<int> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(AdapterDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        await stderr;
        return p.ExitCode;
    }

    private static async Task<int> InitAsync(TufFixture f)
    {
        var root = Path.Combine(f.RootDirectory, "initial_root.json");
        File.WriteAllBytes(root, f.Repository.InitialRoot);
        return await RunAsync("--metadata-dir", f.MetadataDirectory, "init", root);
    }

    private static Task<int> RefreshAsync(TufFixture f) => RunAsync("--metadata-url", f.MetadataUrl, "--metadata-dir", f.MetadataDirectory, "refresh");

    private static Task<int> DownloadAsync(TufFixture f, params string[] targets) => RunAsync(
        [
            "--metadata-url", f.MetadataUrl, "--metadata-dir", f.MetadataDirectory,
            .. targets.SelectMany(t => new[] { "--target-name", t }),
            "--target-dir", f.TargetDirectory, "--target-base-url", f.TargetsUrl, "download",
        ]);

    private static List<string> Downloaded(TufFixture f) => Directory.Exists(f.TargetDirectory)
        ? Directory.GetFiles(f.TargetDirectory).OrderBy(File.GetLastWriteTimeUtc).Select(File.ReadAllText).ToList() : [];

    private static Task<TufFixture> RealClockFixtureAsync(Func<StellaOps.Ops.TestSupport.Tuf.TufTestRepository, Task>? setup = null) => TufFixture.CreateAsync(setup: setup);

    [Fact]
    public async Task InitRefreshAndDownloadFollowTheCli()
    {
        await using var f = await RealClockFixtureAsync();
        Assert.Equal(0, await InitAsync(f));
        Assert.Equal(0, await RefreshAsync(f));
        Assert.Equal(["root.json", "snapshot.json", "targets.json", "timestamp.json"],
            Directory.GetFiles(f.MetadataDirectory, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal));

        f.Repository.AddTarget("path/to/a/target_file.txt", "target file contents"u8.ToArray());
        f.Repository.AddTarget("second", "second"u8.ToArray());
        await f.Repository.PublishAsync();
        Assert.Equal(0, await DownloadAsync(f, "path/to/a/target_file.txt", "second"));
        Assert.Equal(["target file contents", "second"], Downloaded(f));
        Assert.Equal(1, await DownloadAsync(f, "missing"));
        Assert.Equal(1, await RunAsync("--metadata-dir", f.MetadataDirectory, "refresh")); // no --metadata-url

        // A timestamp rollback fails the refresh and keeps the trusted version.
        var trusted = f.Repository.ReadMetadata("timestamp.json");
        var version = f.Repository.Timestamp.Version;
        f.Repository.Timestamp.Version = version - 1;
        File.WriteAllBytes(Path.Combine(f.Repository.MetadataDirectory, "timestamp.json"),
            await StellaOps.Ops.TestSupport.Tuf.TufTestRepository.SignAsync(f.Repository.Timestamp, f.Repository.Signers["timestamp"]));
        Assert.Equal(1, await RefreshAsync(f));
        Assert.Equal(trusted, File.ReadAllBytes(Path.Combine(f.MetadataDirectory, "timestamp.json")));
    }

    [Fact]
    public async Task ARepositoryThatSubstitutesTargetsIsRefusedAndTheCachedTargetIsKept()
    {
        await using var f = await RealClockFixtureAsync(r =>
        {
            r.AddTarget("target_file.txt", "target file contents"u8.ToArray());
            r.AddTarget("another_target_file.txt", "content"u8.ToArray());
            return Task.CompletedTask;
        });
        Assert.Equal(0, await InitAsync(f));
        Assert.Equal(0, await DownloadAsync(f, "target_file.txt"));
        f.Repository.WriteTarget(f.Repository.Targets.Targets["target_file.txt"], "malicious data - should not download"u8.ToArray());
        f.Repository.WriteTarget(f.Repository.Targets.Targets["another_target_file.txt"], "malicious data - should not download"u8.ToArray());
        f.Server.TakeRequests();

        Assert.Equal(0, await DownloadAsync(f, "target_file.txt")); // cached, hashes match: not downloaded again
        Assert.DoesNotContain(f.Server.TakeRequests(), r => r.StartsWith("/targets/", StringComparison.Ordinal));
        Assert.Equal(1, await DownloadAsync(f, "another_target_file.txt"));
        Assert.Equal(["target file contents"], Downloaded(f));
    }

    [Fact]
    public async Task ACachedDelegatedRoleIsVerifiedAgainstItsCurrentDelegator()
    {
        await using var f = await RealClockFixtureAsync(r =>
        {
            r.ListMetaHashes = false;
            r.AddDelegation("targets", "delegated", ["*"]);
            r.AddTarget("file", "v1"u8.ToArray(), "delegated");
            return Task.CompletedTask;
        });
        Assert.Equal(0, await InitAsync(f));
        Assert.Equal(0, await DownloadAsync(f, "file"));
        var cached = File.ReadAllBytes(Path.Combine(f.MetadataDirectory, "delegated.json"));

        // targets v2 delegates to the same role with a new key; the repository still serves the old delegated.json.
        var role = f.Repository.Targets.Delegations!.Roles!.Single();
        f.Repository.Targets.Delegations.Keys.Remove(role.KeyIds.Single());
        role.KeyIds.Clear();
        f.Repository.Signers["delegated"] = [];
        f.Repository.AddKey("delegated", "targets");
        await f.Repository.PublishAsync();
        File.WriteAllBytes(Path.Combine(f.Repository.MetadataDirectory, "1.delegated.json"), cached);

        Assert.Equal(1, await DownloadAsync(f, "file"));
    }

    [Fact]
    public async Task UnusualRoleNamesAreQuotedInRequests()
    {
        string[] names = ["?", "#", "/delegatedrole", "../delegatedrole"];
        await using var f = await RealClockFixtureAsync(r =>
        {
            foreach (var name in names) r.AddDelegation("targets", name, ["*"]);
            return Task.CompletedTask;
        });
        Assert.Equal(0, await InitAsync(f));
        Assert.Equal(1, await DownloadAsync(f, "nonexistent target"));
        Assert.Equal(names.Select(n => $"/metadata/1.{Uri.EscapeDataString(n)}.json"), f.Server.Requests.Where(r => !r.Contains("root") && !r.Contains("targets.json")
            && !r.Contains("snapshot") && !r.Contains("timestamp")));
        Assert.Equal(8, Directory.GetFiles(f.MetadataDirectory, "*.json").Length);
        Assert.Empty(Directory.GetDirectories(f.MetadataDirectory));
    }
}

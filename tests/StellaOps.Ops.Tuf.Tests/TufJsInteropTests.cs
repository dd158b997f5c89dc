using System.Diagnostics;
using System.Text.Json.Nodes;
using StellaOps.Ops.TestSupport;
using StellaOps.Ops.TestSupport.Tuf;

namespace StellaOps.Ops.Tuf.Tests;

/// <summary>A fact that runs only where Node.js is on PATH (the tuf-js interop checks), skipped with the reason otherwise.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (!TufJs.NodeAvailable) Skip = "node (Node.js 20+) is not on PATH: the tuf-js / @tufjs/models interop check cannot run here.";
    }
}

/// <summary>Runs the scripts of tests/interop (tuf-js, @tufjs/models) as child processes.</summary>
internal static class TufJs
{
    public static string InteropDirectory => Path.Combine(RepositoryRoot.Path, "tests", "interop");

    public static bool NodeAvailable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "node")));

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, params string[] args)
    {
        if (!File.Exists(Path.Combine(InteropDirectory, "node_modules", "tuf-js", "package.json")))
            Assert.Fail($"{InteropDirectory}/node_modules is missing: run 'dotnet pwsh ./build.ps1 bootstrap' (npm ci in tests/interop).");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = InteropDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(InteropDirectory, script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}

/// <summary>Interop with an independent implementation: tuf-js reads what the project's model writes, the project's client reads what @tufjs/models writes.</summary>
public class TufJsInteropTests
{
    [NodeFact]
    public async Task TufJsRefreshesAndDownloadsFromARepositoryWrittenByTheProjectsModel()
    {
        await using var f = await TufFixture.CreateAsync(setup: r =>
        {
            r.AddTarget("top.txt", "top"u8.ToArray());
            r.AddDelegation("targets", "team/a", ["team/*"]);
            r.AddTarget("team/x.txt", "delegated"u8.ToArray(), "team/a");
            r.Targets.UnrecognizedFields["x-stellaops"] = new JsonObject { ["kept"] = true };
            return Task.CompletedTask;
        });
        // Root v2: the root key rotated, timestamp on ECDSA P-256, snapshot on RSASSA-PSS.
        f.Repository.RotateTopLevelKey("root");
        foreach (var id in f.Repository.Root.Roles["timestamp"].KeyIds.ToList()) f.Repository.Root.RevokeKey(id, "timestamp");
        f.Repository.Signers["timestamp"] = [];
        f.Repository.AddKey("timestamp", signer: SoftwareTufSigner.GenerateEcdsa());
        foreach (var id in f.Repository.Root.Roles["snapshot"].KeyIds.ToList()) f.Repository.Root.RevokeKey(id, "snapshot");
        f.Repository.Signers["snapshot"] = [];
        f.Repository.AddKey("snapshot", signer: SoftwareTufSigner.GenerateRsa());
        f.Repository.AddTarget("second.txt", "second"u8.ToArray());
        await f.Repository.PublishAsync();
        var rootFile = Path.Combine(f.RootDirectory, "initial_root.json");
        File.WriteAllBytes(rootFile, f.Repository.InitialRoot);
        var clientDir = Path.Combine(f.RootDirectory, "tuf-js");

        var (code, stdout, stderr) = await TufJs.RunAsync("tuf-js-client.mjs", "--root", rootFile, "--metadata-dir", Path.Combine(clientDir, "metadata"),
            "--metadata-url", f.MetadataUrl, "--target-dir", Path.Combine(clientDir, "targets"), "--target-url", f.TargetsUrl, "top.txt", "team/x.txt", "second.txt");
        Assert.True(code == 0, $"tuf-js failed: {stderr}");
        var result = JsonNode.Parse(stdout)!;
        Assert.Equal(2, result["versions"]!["root"]!.GetValue<int>());
        Assert.Equal(1, result["versions"]!["team%2Fa"]?.GetValue<int>() ?? result["versions"]!["team/a"]?.GetValue<int>());
        Assert.Equal("delegated", File.ReadAllText(result["targets"]!["team/x.txt"]!.GetValue<string>()));
        Assert.Equal("second", File.ReadAllText(result["targets"]!["second.txt"]!.GetValue<string>()));

        // And tuf-js refuses the same repository once a target's bytes are swapped.
        f.Repository.WriteTarget(f.Repository.Targets.Targets["top.txt"], "pot"u8.ToArray());
        var (tampered, _, tamperedErr) = await TufJs.RunAsync("tuf-js-client.mjs", "--root", rootFile, "--metadata-dir", Path.Combine(f.RootDirectory, "tuf-js-2"),
            "--metadata-url", f.MetadataUrl, "--target-dir", Path.Combine(f.RootDirectory, "tuf-js-2-targets"), "--target-url", f.TargetsUrl, "top.txt");
        Assert.Equal(1, tampered);
        Assert.Contains("hash", tamperedErr, StringComparison.OrdinalIgnoreCase);
    }

    [NodeFact]
    public async Task TheClientConsumesARepositoryWrittenByTufJsModels()
    {
        var dir = Directory.CreateTempSubdirectory("tufjs-repo-");
        try
        {
            var repo = Path.Combine(dir.FullName, "repo");
            var (code, stdout, stderr) = await TufJs.RunAsync("tufjs-write-repo.mjs", repo);
            Assert.True(code == 0, $"tufjs-write-repo.mjs failed: {stderr}");
            var expected = JsonNode.Parse(stdout)!["targets"]!.AsObject();
            await using var server = new LoopbackFileServer(repo);
            var metadata = Path.Combine(dir.FullName, "client", "metadata");
            TufUpdater.Initialize(metadata, File.ReadAllBytes(Path.Combine(repo, "metadata", "1.root.json")));
            using var updater = new TufUpdater(new TufUpdaterOptions
            {
                MetadataDirectory = metadata, MetadataBaseUrl = server.BaseUrl + "metadata", TargetBaseUrl = server.BaseUrl + "targets",
                TargetDirectory = Path.Combine(dir.FullName, "client", "targets"),
            });

            var result = await updater.RefreshAsync();
            Assert.Equal(new TufRoleChange("root", 1, 2), result["root"]);
            foreach (var (path, content) in expected)
                Assert.Equal(content!.GetValue<string>(), File.ReadAllText(await updater.DownloadTargetAsync(await updater.GetTargetInfoAsync(path))));
            Assert.Contains(updater.GetTrustedRoles(), r => r.Role == "delegated" && r.Keys.Single().KeyType == "ecdsa");
            Assert.Equal(File.ReadAllBytes(Path.Combine(repo, "metadata", "2.root.json")), File.ReadAllBytes(Path.Combine(metadata, "root.json")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StellaOps.Ops.TestSupport.Tuf;
using StellaOps.Ops.Tuf;

// Usage: stella-tuf-bench <tests/interop directory> [noop rounds] [full rounds] [targets]
// Prints one JSON object: median milliseconds of StellaOps.Ops.Tuf and of tuf-js for
//  - noop: a new updater over a warm cache refreshing while the timestamp is unchanged;
//  - full: a new client (trusted root only) refreshing a repository of N targets in 16 hash bins and looking up one
//    target in each bin (all 16 bins fetched and verified).
var interop = args.Length > 0 ? Path.GetFullPath(args[0]) : throw new ArgumentException("the tests/interop directory is required");
var noopRounds = args.Length > 1 ? int.Parse(args[1]) : 30;
var fullRounds = args.Length > 2 ? int.Parse(args[2]) : 5;
var targetCount = args.Length > 3 ? int.Parse(args[3]) : 10_000;

var work = Directory.CreateTempSubdirectory("stellaops-tufbench-").FullName;
try
{
    var repo = new TufTestRepository(Path.Combine(work, "repo"));
    var bins = repo.AddSuccinctDelegation("targets", 4, "bin");
    for (var i = 0; i < targetCount; i++)
    {
        var path = $"artifacts/{i:D5}/artifact.tar.gz";
        repo.Role(bins.GetRoleForTarget(path)).Targets[path] = TargetFile.Describing(path, Encoding.UTF8.GetBytes($"artifact {i}"));
    }
    await repo.PublishAsync();
    var probes = new List<string>();
    for (var i = 0; probes.Count < bins.NumberOfBins && i < targetCount; i++)
    {
        var path = $"artifacts/{i:D5}/artifact.tar.gz";
        if (!probes.Any(p => bins.GetRoleForTarget(p) == bins.GetRoleForTarget(path))) probes.Add(path);
    }
    var rootFile = Path.Combine(work, "root.json");
    File.WriteAllBytes(rootFile, repo.InitialRoot);
    var probesFile = Path.Combine(work, "probes.txt");
    File.WriteAllLines(probesFile, probes);
    await using var server = new LoopbackFileServer(repo.Directory);
    var metadataUrl = server.BaseUrl + "metadata/";
    using var fetcher = new HttpTufFetcher();

    TufUpdater New(string dir) => new(new TufUpdaterOptions { MetadataDirectory = dir, MetadataBaseUrl = metadataUrl, Fetcher = fetcher });

    // noop
    var warm = Path.Combine(work, "ours-noop");
    TufUpdater.Initialize(warm, repo.InitialRoot);
    for (var i = 0; i < 5; i++)
        using (var u = New(warm)) await u.RefreshAsync();
    var noop = new List<double>();
    for (var r = 0; r < noopRounds; r++)
    {
        var sw = Stopwatch.StartNew();
        using (var u = New(warm)) await u.RefreshAsync();
        noop.Add(sw.Elapsed.TotalMilliseconds);
    }

    // full
    async Task<double> FullAsync(int round)
    {
        var dir = Path.Combine(work, $"ours-full-{round}");
        TufUpdater.Initialize(dir, repo.InitialRoot);
        var sw = Stopwatch.StartNew();
        using var u = New(dir);
        await u.RefreshAsync();
        foreach (var p in probes) await u.GetTargetInfoAsync(p);
        return sw.Elapsed.TotalMilliseconds;
    }
    await FullAsync(-1); // unmeasured: JIT
    var full = new List<double>();
    for (var r = 0; r < fullRounds; r++) full.Add(await FullAsync(r));

    var js = await RunNodeAsync(interop, "tuf-js-bench.mjs", rootFile, metadataUrl, Path.Combine(work, "tuf-js"), noopRounds.ToString(), fullRounds.ToString(), probesFile);
    var jsNoop = js["noop"]!.AsArray().Select(n => n!.GetValue<double>()).ToList();
    var jsFull = js["full"]!.AsArray().Select(n => n!.GetValue<double>()).ToList();

    var result = new JsonObject
    {
        ["targets"] = targetCount,
        ["bins"] = bins.NumberOfBins,
        ["noopRounds"] = noopRounds,
        ["fullRounds"] = fullRounds,
        ["oursNoopMs"] = Math.Round(Median(noop), 2),
        ["tufJsNoopMs"] = Math.Round(Median(jsNoop), 2),
        ["noopRatio"] = Math.Round(Median(noop) / Median(jsNoop), 3),
        ["oursFullMs"] = Math.Round(Median(full), 1),
        ["tufJsFullMs"] = Math.Round(Median(jsFull), 1),
        ["fullRatio"] = Math.Round(Median(full) / Median(jsFull), 3),
        ["goal"] = 0.5,
    };
    Console.WriteLine(result.ToJsonString());
    return 0;
}
finally
{
    try { Directory.Delete(work, recursive: true); } catch (IOException) { }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static async Task<JsonNode> RunNodeAsync(string interop, string script, params string[] args)
{
    var psi = new ProcessStartInfo("node") { WorkingDirectory = interop, RedirectStandardOutput = true, RedirectStandardError = true };
    psi.ArgumentList.Add(Path.Combine(interop, script));
    foreach (var a in args) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start node");
    var stdout = p.StandardOutput.ReadToEndAsync();
    var stderr = p.StandardError.ReadToEndAsync();
    await p.WaitForExitAsync();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed: {await stderr}");
    return JsonNode.Parse(await stdout) ?? throw new InvalidOperationException($"{script} printed nothing");
}

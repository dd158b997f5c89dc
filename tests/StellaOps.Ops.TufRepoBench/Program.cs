using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using StellaOps.Ops.Tuf;
using StellaOps.Ops.Tuf.Repository;

// Usage: stella-tufrepo-bench [rounds] [targets] [bins]
// Prints one JSON object. Each round is a new repository (ed25519 keys) already delegating to the bins, with the
// online keys loaded before the clock starts (their key-derivation cost is a key load, not signing), then:
//  - signAll: N new targets written to content/ signed (every bin, snapshot, timestamp);
//  - publishFirst: the validator over everything, then the copy into an empty publish directory;
//  - signOne / publishOne: one more target (its bin, snapshot, timestamp re-signed), published over the first.
// Medians in milliseconds; memory: bytes allocated during each step (median) and the process's peak working set.
var rounds = args.Length > 0 ? int.Parse(args[0]) : 3;
var targetCount = args.Length > 1 ? int.Parse(args[1]) : 10_000;
var binCount = args.Length > 2 ? int.Parse(args[2]) : 16;
var password = "bench-online".ToCharArray();

var steps = new Dictionary<string, List<(double Ms, long Allocated)>>
{
    ["signAll"] = [], ["publishFirst"] = [], ["signOne"] = [], ["publishOne"] = [],
};
var binsSignedByOne = 0;
var work = Directory.CreateTempSubdirectory("stellaops-tufrepo-bench-").FullName;
try
{
    for (var r = 0; r < rounds; r++)
    {
        var dir = Path.Combine(work, $"round-{r}");
        var (repo, _) = await TufRepository.InitializeAsync(Path.Combine(dir, "repo"),
            new TufCeremonyOptions { Threshold = 1, Keys = 1, KdfIterations = 10_000 }, _ => "bench-root".ToCharArray(), password, new Dictionary<string, byte[]>());
        await repo.DelegateToHashBinsAsync(binCount, password);
        var signers = new Dictionary<string, ITufSigner>(StringComparer.Ordinal);
        foreach (var role in repo.Config.OnlineKeyFiles.Keys) signers[role] = repo.LoadOnlineKey(role, password);
        for (var i = 0; i < targetCount; i++) repo.WriteContent($"artifacts/{i:D5}/artifact.tar.gz", Encoding.UTF8.GetBytes($"artifact {i} of round {r}\n"));
        var publish = Path.Combine(dir, "publish");

        await Measure("signAll", () => repo.SignAsync([], role => signers[role]));
        await Measure("publishFirst", () => Task.FromResult(repo.Publish(publish)));
        repo.WriteContent("artifacts/new/release.tar.gz", "one more\n"u8);
        TufSignResult? one = null;
        await Measure("signOne", async () => one = await repo.SignAsync([], role => signers[role]));
        binsSignedByOne = one!.Signed.Keys.Count(k => k.StartsWith(repo.Config.HashBins!.NamePrefix + "-", StringComparison.Ordinal));
        await Measure("publishOne", () => Task.FromResult(repo.Publish(publish)));
        foreach (var s in signers.Values) (s as IDisposable)?.Dispose();
        Directory.Delete(dir, recursive: true);
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

var result = new JsonObject
{
    ["targets"] = targetCount,
    ["bins"] = binCount,
    ["rounds"] = rounds,
    ["binsResignedForOneTarget"] = binsSignedByOne,
    ["peakWorkingSetMB"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
};
foreach (var (name, runs) in steps)
{
    result[name + "Ms"] = Math.Round(Median(runs.Select(x => x.Ms)), 1);
    result[name + "AllocatedMB"] = Math.Round(Median(runs.Select(x => (double)x.Allocated)) / 1048576.0, 1);
}
Console.WriteLine(result.ToJsonString());

async Task Measure<T>(string step, Func<Task<T>> body)
{
    GC.Collect();
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var sw = Stopwatch.StartNew();
    await body();
    sw.Stop();
    steps[step].Add((sw.Elapsed.TotalMilliseconds, GC.GetTotalAllocatedBytes(precise: true) - allocated));
}

using StellaOps.Ops.TestSupport.Tuf;

namespace StellaOps.Ops.Tuf.Tests;

/// <summary>
/// One test's world: a repository (<see cref="TufTestRepository"/>) served on 127.0.0.1, a client metadata and
/// target directory initialised with the repository's first root, and a clock the test controls.
/// </summary>
public sealed class TufFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private TufFixture(string root, bool consistentSnapshot)
    {
        RootDirectory = root;
        Repository = new TufTestRepository(Path.Combine(root, "repo"), Start, consistentSnapshot);
        Server = new LoopbackFileServer(Repository.Directory);
        Clock = new ManualClock(Start);
    }

    public string RootDirectory { get; }

    public TufTestRepository Repository { get; }

    public LoopbackFileServer Server { get; }

    public ManualClock Clock { get; }

    public string MetadataDirectory => Path.Combine(RootDirectory, "client", "metadata");

    public string TargetDirectory => Path.Combine(RootDirectory, "client", "targets");

    public string MetadataUrl => Server.BaseUrl + "metadata/";

    public string TargetsUrl => Server.BaseUrl + "targets/";

    public static async Task<TufFixture> CreateAsync(bool consistentSnapshot = true, Func<TufTestRepository, Task>? setup = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "tuf-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var f = new TufFixture(dir, consistentSnapshot);
        if (setup is not null) await setup(f.Repository);
        await f.Repository.PublishAsync();
        TufUpdater.Initialize(f.MetadataDirectory, f.Repository.InitialRoot);
        return f;
    }

    public TufUpdater NewUpdater(ITufFetcher? fetcher = null, int maxDelegations = 32, bool refuseClockRollback = true) => new(new TufUpdaterOptions
    {
        MetadataDirectory = MetadataDirectory,
        MetadataBaseUrl = MetadataUrl,
        TargetBaseUrl = TargetsUrl,
        TargetDirectory = TargetDirectory,
        Fetcher = fetcher ?? new HttpTufFetcher(timeout: TimeSpan.FromSeconds(5)),
        Clock = Clock,
        MaxDelegations = maxDelegations,
        RefuseClockRollback = refuseClockRollback,
    });

    public async Task<TufRefreshResult> RefreshAsync()
    {
        using var updater = NewUpdater();
        return await updater.RefreshAsync();
    }

    /// <summary>The version of a role in the client's cache (null: no file).</summary>
    public long? CachedVersion(string role)
    {
        var path = Path.Combine(MetadataDirectory, TufFileNames.Role(role));
        return File.Exists(path) ? System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllBytes(path))!["signed"]!["version"]!.GetValue<long>() : null;
    }

    public byte[] CachedBytes(string role) => File.ReadAllBytes(Path.Combine(MetadataDirectory, TufFileNames.Role(role)));

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(RootDirectory, recursive: true); } catch (IOException) { }
    }
}

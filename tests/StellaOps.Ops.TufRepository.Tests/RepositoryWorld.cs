using StellaOps.Ops.PowerShell.TufRepository;
using StellaOps.Ops.TestSupport.Tuf;
using StellaOps.Ops.Tuf;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.TufRepository.Tests;

/// <summary>
/// A repository made by the tooling (3 of 5 ed25519 root keys unless told otherwise), its publish directory served on
/// 127.0.0.1, and two clients initialised with root 1: the project's TufUpdater and tuf-js. The repository's clock
/// is a manual one near real time (the clients use the real clock), moved a minute per step so windows differ.
/// </summary>
public sealed class RepositoryWorld : IAsyncDisposable
{
    public static readonly char[] OnlinePassword = "online-password".ToCharArray();
    public const int Iterations = 10_000;

    private RepositoryWorld(string dir, Tuf.Repository.TufRepository repo, ManualClock clock)
    {
        Root = dir;
        Repository = repo;
        Clock = clock;
        PublishDirectory = Path.Combine(dir, "publish");
        Directory.CreateDirectory(PublishDirectory);
        Server = new LoopbackFileServer(PublishDirectory);
        JsClient = new TufJsClient(Path.Combine(dir, "tuf-js"), Server.BaseUrl + "metadata/", Server.BaseUrl + "targets/");
    }

    public string Root { get; }

    public Tuf.Repository.TufRepository Repository { get; }

    public ManualClock Clock { get; }

    public string PublishDirectory { get; }

    public LoopbackFileServer Server { get; }

    public TufJsClient JsClient { get; }

    public static char[] RootPassword(string holder) => $"root-password-{holder}".ToCharArray();

    /// <param name="tokens">Holders whose root keys are generated on their PKCS#11 tokens (the rest get key files).</param>
    public static async Task<RepositoryWorld> CreateAsync(int threshold = 3, int keys = 5, string algorithm = TufKeyFile.Ed25519,
        IReadOnlyList<string>? holders = null, IReadOnlyDictionary<string, RootKeyToken>? tokens = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "tuf-repo-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var (repo, _) = await Tuf.Repository.TufRepository.InitializeAsync(Path.Combine(dir, "repo"),
            new TufCeremonyOptions { Threshold = threshold, Keys = keys, Algorithm = algorithm, KdfIterations = Iterations, Holders = holders, Tokens = tokens },
            RootPassword, OnlinePassword, SigstoreTargetEditor.InitialContent(new Uri("https://rekor.sigstore.dev"), clock.Now), clock);
        var world = new RepositoryWorld(dir, repo, clock);
        repo.Publish(world.PublishDirectory);
        var root1 = File.ReadAllBytes(Path.Combine(repo.MetadataDirectory, "1.root.json"));
        TufUpdater.Initialize(world.ClientMetadata, root1);
        world.JsClient.Initialize(root1);
        return world;
    }

    public string ClientMetadata => Path.Combine(Root, "client", "metadata");

    public TufUpdater NewUpdater() => new(new TufUpdaterOptions
    {
        MetadataDirectory = ClientMetadata,
        MetadataBaseUrl = Server.BaseUrl + "metadata/",
        TargetBaseUrl = Server.BaseUrl + "targets/",
        TargetDirectory = Path.Combine(Root, "client", "targets"),
        Fetcher = new HttpTufFetcher(timeout: TimeSpan.FromSeconds(10)),
    });

    /// <summary>The project's client: refresh, then the bytes of <paramref name="target"/>.</summary>
    public async Task<(TufRefreshResult Result, byte[] Target)> RefreshOwnClientAsync(string target)
    {
        using var updater = NewUpdater();
        var result = await updater.RefreshAsync();
        var info = await updater.GetTargetInfoAsync(target);
        return (result, File.ReadAllBytes(await updater.DownloadTargetAsync(info)));
    }

    /// <summary>Both clients refresh and fetch <paramref name="target"/>; they must agree on its bytes.</summary>
    public async Task<byte[]> BothClientsFetchAsync(string target)
    {
        var (_, own) = await RefreshOwnClientAsync(target);
        var js = JsClient.Refresh(target);
        Assert.True(js.ExitCode == 0, js.Error);
        Assert.Equal(own, JsClient.Target(js.Answer!, target));
        return own;
    }

    public Func<string, ITufSigner> OnlineSigners()
    {
        var cache = new Dictionary<string, ITufSigner>();
        return role => cache.TryGetValue(role, out var s) ? s : cache[role] = Repository.LoadOnlineKey(role, OnlinePassword);
    }

    public IReadOnlyList<ITufSigner> RootSigners(params string[] holders) =>
        [.. Repository.Config.RootHolders.Where(h => holders.Contains(h.Name) && h.Retired is null || holders.Contains(h.Name + "@" + h.KeyId[..8]))
            .Select(h => (ITufSigner)Repository.LoadRootKey(h, RootPassword(h.Name))!)];

    /// <summary>One runbook step: edit a target, sign with the online keys, publish, and move the clock on.</summary>
    public async Task StepAsync(string target, Func<byte[], byte[]> edit, string note)
    {
        Clock.Advance(TimeSpan.FromMinutes(1));
        Repository.WriteContent(target, edit(Repository.ReadContent(target)!));
        Repository.AppendChangeLog("test-step", note);
        await Repository.SignAsync([], OnlineSigners());
        Repository.Publish(PublishDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

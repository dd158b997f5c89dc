using System.Text;
using System.Text.Json.Nodes;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.PowerShell.TufRepository;
using StellaOps.Ops.Tuf;
using StellaOps.Ops.Tuf.Repository;
using System.Security.Cryptography;

namespace StellaOps.Ops.TufRepository.Tests;

/// <summary>
/// The disaster-recovery guide's scenarios in order, on one repository the tooling writes, with the project's client
/// and tuf-js refreshing from the published directory after each step; a client holding the first root follows the chain.
/// </summary>
public sealed class GuideScenarioTests
{
    private const string Mirror = "https://rekor-mirror.internal:8080";
    private const string Primary = "https://rekor.sigstore.dev";

    private static Uri? ActiveRekor(byte[] config, DateTimeOffset now) => SigstoreTargetEditor.ActiveRekorUrl(config, now);

    [Fact]
    public async Task Guide_scenarios_in_order_reach_both_clients_and_a_first_root_client_follows_the_chain()
    {
        await using var w = await RepositoryWorld.CreateAsync();
        var repo = w.Repository;

        // Scenario 5 first: the ceremony made 3-of-5 root 1 that both clients accept.
        var config = await w.BothClientsFetchAsync(SigstoreTargetEditor.SigningConfig);
        Assert.Equal(new Uri(Primary), ActiveRekor(config, w.Clock.Now));
        Assert.Equal(3, repo.Root.Signed.Roles[TufRoleNames.Root].Threshold);
        Assert.Equal(5, repo.Root.Signed.Roles[TufRoleNames.Root].KeyIds.Count);

        // Scenario 1: endpoint swap, then swap back; each reaches both clients with no reconfiguration.
        await w.StepAsync(SigstoreTargetEditor.SigningConfig, b => SigstoreTargetEditor.SwapRekorUrl(b, new Uri(Mirror), w.Clock.Now), "Emergency: outage");
        config = await w.BothClientsFetchAsync(SigstoreTargetEditor.SigningConfig);
        Assert.Equal(new Uri(Mirror), ActiveRekor(config, w.Clock.Now));
        var parsed = SigstoreSigningConfigParser.Parse(config);
        Assert.NotNull(parsed.RekorTlogUrls.Single(s => s.Url == new Uri(Primary)).ValidFor.End);
        await w.StepAsync(SigstoreTargetEditor.SigningConfig, b => SigstoreTargetEditor.SwapRekorUrl(b, new Uri(Primary), w.Clock.Now), "Recovery");
        config = await w.BothClientsFetchAsync(SigstoreTargetEditor.SigningConfig);
        Assert.Equal(new Uri(Primary), ActiveRekor(config, w.Clock.Now));
        Assert.Equal(3, SigstoreSigningConfigParser.Parse(config).RekorTlogUrls.Count);

        // Scenario 2: Rekor key add (v1, then v2 with an open window), then emergency removal of v1 (ends now).
        using var v1 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var v2 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string id1 = "", id2 = "";
        await w.StepAsync(SigstoreTargetEditor.TrustedRoot, b => { var (d, id) = SigstoreTargetEditor.AddLogKey(b, v1.ExportSubjectPublicKeyInfoPem(), new Uri(Primary), w.Clock.Now); id1 = id; return d; }, "rekor-key-v1");
        await w.StepAsync(SigstoreTargetEditor.TrustedRoot, b => { var (d, id) = SigstoreTargetEditor.AddLogKey(b, v2.ExportSubjectPublicKeyInfoPem(), new Uri(Primary), w.Clock.Now); id2 = id; return d; }, "rekor-key-v2");
        var trusted = SigstoreTrustedRootParser.Parse(await w.BothClientsFetchAsync(SigstoreTargetEditor.TrustedRoot));
        Assert.Equal(2, trusted.TransparencyLogs.Count);
        Assert.All(trusted.TransparencyLogs, t => Assert.Null(t.ValidFor.End));
        var removedAt = w.Clock.Now + TimeSpan.FromMinutes(1);
        await w.StepAsync(SigstoreTargetEditor.TrustedRoot, b => SigstoreTargetEditor.EndLogKey(b, id1, w.Clock.Now), "compromise of rekor-key-v1");
        trusted = SigstoreTrustedRootParser.Parse(await w.BothClientsFetchAsync(SigstoreTargetEditor.TrustedRoot));
        Assert.Equal(removedAt.ToUnixTimeSeconds(), trusted.TransparencyLogs.Single(t => Convert.ToBase64String(t.LogId) == id1).ValidFor.End!.Value.ToUnixTimeSeconds());
        Assert.Null(trusted.TransparencyLogs.Single(t => Convert.ToBase64String(t.LogId) == id2).ValidFor.End);

        // Scenario 4: signing key retire and generate.
        using var old = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await w.StepAsync(SigstoreTargetEditor.SigningKeys, b => SigstoreTargetEditor.AddSigningKey(b, "compromised-key-name", "ecdsa-p256", old.ExportSubjectPublicKeyInfoPem(), w.Clock.Now), "first signing key");
        await w.StepAsync(SigstoreTargetEditor.SigningKeys, b => SigstoreTargetEditor.RetireSigningKey(b, "compromised-key-name", w.Clock.Now), "retire");
        await w.StepAsync(SigstoreTargetEditor.SigningKeys, b => SigstoreTargetEditor.AddSigningKey(b, "signing-key-2", "ecdsa-p256", fresh.ExportSubjectPublicKeyInfoPem(), w.Clock.Now), "generate");
        var keys = JsonNode.Parse(await w.BothClientsFetchAsync(SigstoreTargetEditor.SigningKeys))!["keys"]!.AsArray();
        Assert.NotNull(keys.Single(k => k!["name"]!.GetValue<string>() == "compromised-key-name")!["validFor"]!["end"]);
        Assert.Null(keys.Single(k => k!["name"]!.GetValue<string>() == "signing-key-2")!["validFor"]!["end"]);

        // Scenario 5: root rotation with a threshold change (new 4-of-6 keys), signed by two old holders here: pending, not published.
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        var newHolders = new[] { "n1", "n2", "n3", "n4", "n5", "n6" };
        await repo.ProposeRootRotationAsync(4, newHolders, TufKeyFile.EcdsaP256, RepositoryWorld.RootPassword);
        var result = await repo.SignAsync(w.RootSigners("holder-1", "holder-2"), w.OnlineSigners());
        Assert.Equal(2, result.PendingRootVersion);
        Assert.Contains(result.StillToSign, s => s.Contains("old root: 2 of 3", StringComparison.Ordinal));
        repo.Publish(w.PublishDirectory);
        Assert.False(File.Exists(Path.Combine(w.PublishDirectory, "metadata", "2.root.json")));
        var pendingRow = repo.GetStatus().Roles.Single(r => r.Pending);
        Assert.False(pendingRow.ThresholdMet);

        // The third old holder signs on another machine: export → sign → import.
        var exported = Path.Combine(w.Root, "elsewhere", "pending-root.json");
        Directory.CreateDirectory(Path.GetDirectoryName(exported)!);
        repo.ExportPending(exported);
        var holder3 = repo.Config.RootHolders.Single(h => h.Name == "holder-3");
        using (var k3 = Tuf.Repository.TufKeyFile.Load(Path.Combine(repo.Directory, holder3.KeyFile!), RepositoryWorld.RootPassword("holder-3")))
            await Tuf.Repository.TufRepository.SignPendingFileAsync(exported, k3);
        Assert.Empty(repo.ImportPending(exported));
        result = await repo.SignAsync([], w.OnlineSigners());
        Assert.Equal(2, result.Signed[TufRoleNames.Root]);
        repo.Publish(w.PublishDirectory);

        var (refresh, _) = await w.RefreshOwnClientAsync(SigstoreTargetEditor.SigningConfig);
        var js = w.JsClient.Refresh(SigstoreTargetEditor.SigningConfig);
        Assert.True(js.ExitCode == 0, js.Error);
        Assert.Equal(2, js.Answer!["root"]!.GetValue<long>());
        using (var u = w.NewUpdater())
        {
            u.LoadFromCache();
            Assert.Equal(4, u.Trusted!.Root.Signed.Roles[TufRoleNames.Root].Threshold);
        }

        // A fresh client holding only the first root follows the whole chain.
        var first = Path.Combine(w.Root, "first-root-client");
        TufUpdater.Initialize(first, File.ReadAllBytes(Path.Combine(repo.MetadataDirectory, "1.root.json")));
        using var firstClient = new TufUpdater(new TufUpdaterOptions { MetadataDirectory = first, MetadataBaseUrl = w.Server.BaseUrl + "metadata/", TargetBaseUrl = w.Server.BaseUrl + "targets/", TargetDirectory = first + "-targets" });
        await firstClient.RefreshAsync();
        Assert.Equal(2, firstClient.Trusted!.Root.Signed.Version);
        var jsFirst = new TufJsClient(Path.Combine(w.Root, "tuf-js-first"), w.Server.BaseUrl + "metadata/", w.Server.BaseUrl + "targets/");
        jsFirst.Initialize(File.ReadAllBytes(Path.Combine(repo.MetadataDirectory, "1.root.json")));
        var jsf = jsFirst.Refresh(SigstoreTargetEditor.TrustedRoot);
        Assert.True(jsf.ExitCode == 0, jsf.Error);
        Assert.Equal(2, jsf.Answer!["root"]!.GetValue<long>());
        Assert.Contains(repo.ReadChangeLog(), e => e["note"]?.GetValue<string>() == "Emergency: outage");
    }

    [Fact]
    public async Task A_root_signed_by_fewer_than_the_threshold_is_refused_by_the_tooling_and_by_both_clients()
    {
        await using var w = await RepositoryWorld.CreateAsync();
        var repo = w.Repository;
        Assert.True(w.JsClient.Refresh().ExitCode == 0);
        await repo.ProposeRootRotationAsync(2, null, null, RepositoryWorld.RootPassword);
        var result = await repo.SignAsync(w.RootSigners("holder-1", "holder-2"), w.OnlineSigners());
        Assert.Equal(2, result.PendingRootVersion);

        // Forced past the tooling: the under-signed root copied into metadata/ is refused by publish, which says why.
        var pendingBytes = File.ReadAllBytes(repo.PendingRootPath);
        File.WriteAllBytes(Path.Combine(repo.MetadataDirectory, "2.root.json"), pendingBytes);
        File.WriteAllBytes(Path.Combine(repo.MetadataDirectory, "root.json"), pendingBytes);
        var refused = Assert.Throws<OpsException>(() => repo.Publish(w.PublishDirectory));
        Assert.Equal(OpsErrorCode.TufRepositoryThresholdNotMet, refused.Code);
        Assert.Contains("2 of 3", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(w.PublishDirectory, "metadata", "2.root.json")));

        // Served anyway (written straight into the publish directory): both clients refuse it and keep root 1.
        File.WriteAllBytes(Path.Combine(w.PublishDirectory, "metadata", "2.root.json"), pendingBytes);
        using (var u = w.NewUpdater())
        {
            var e = await Assert.ThrowsAsync<OpsException>(() => u.RefreshAsync());
            Assert.True(e.Code is OpsErrorCode.TufRootInvalid or OpsErrorCode.TufThresholdNotMet, e.Code.ToString());
        }
        var js = w.JsClient.Refresh();
        Assert.NotEqual(0, js.ExitCode);
        Assert.Equal(1, JsonNode.Parse(File.ReadAllBytes(Path.Combine(w.JsClient.MetadataDirectory, "root.json")))!["signed"]!["version"]!.GetValue<long>());
    }
}

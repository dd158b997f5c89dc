using Microsoft.Extensions.Logging.Abstractions;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Trust;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The runbook line "stella issuer keys fetch &lt;issuer-id&gt;" names no source: for this daemon's own issuer it reads
/// the folder the daemon publishes its issuer document to, vouched for by the daemon's own key; with nothing
/// published it says to publish first; another issuer fetched for the first time still needs a source.
/// </summary>
public sealed class LocalIssuerFetchTests
{
    [Fact]
    public async Task The_local_issuer_is_fetched_from_the_daemons_own_published_folder_with_no_source_and_no_anchor()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        using var core = new DaemonCore(time);
        var (issuers, publisher) = Build(core, time);

        var none = await Assert.ThrowsAsync<OpsException>(() => issuers.FetchAsync("local", null, default));
        Assert.Equal(OpsErrorCode.NotFound, none.Code);
        Assert.Contains(publisher.DocumentPath, none.Message);
        Assert.Contains("stella issuer keys publish", none.RecommendedAction);

        var key = await core.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software, Name = "issuer" }, default);
        await core.Keys.PublishAsync(key.Id, default);
        await publisher.PublishAsync(key.Id, default);

        var issuer = await issuers.FetchAsync("local", null, default);
        Assert.Equal("local", issuer.Id);
        Assert.Equal(publisher.Folder, issuer.Source);
        Assert.Equal(1, issuer.DocumentVersion);
        Assert.Equal([key.Id], issuer.DocumentSignedBy);
        Assert.Equal([key.Id], issuer.Keys.Select(k => k.KeyId));
        Assert.Equal(IssuerStatus.PendingApproval, issuer.Status);
    }

    [Fact]
    public async Task Another_issuer_fetched_for_the_first_time_needs_a_source_and_no_daemon_key_vouches_for_it()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        using var core = new DaemonCore(time);
        var (issuers, publisher) = Build(core, time);

        var noSource = await Assert.ThrowsAsync<OpsException>(() => issuers.FetchAsync("partner", null, default));
        Assert.Equal(OpsErrorCode.InvalidArgument, noSource.Code);
        Assert.Contains("--source", noSource.RecommendedAction);

        // This daemon's own document under another issuer's name: its key vouches only for its own issuer.
        var key = await core.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software, Name = "issuer" }, default);
        await core.Keys.PublishAsync(key.Id, default);
        core.Settings.Set(IssuerDocumentPublisher.LocalIdSetting, "partner", null);
        await publisher.PublishAsync(key.Id, default);
        core.Settings.Set(IssuerDocumentPublisher.LocalIdSetting, "local", null);
        var refused = await Assert.ThrowsAsync<OpsException>(() => issuers.FetchAsync("partner", publisher.Folder, default));
        Assert.Equal(OpsErrorCode.IssuerDocumentRefused, refused.Code);
        Assert.Contains("trust-anchors add-key", refused.RecommendedAction);
    }

    private static (IssuerService Issuers, IssuerDocumentPublisher Publisher) Build(DaemonCore core, ManualTime time)
    {
        var anchors = new TrustAnchorService(new TrustAnchorStore(core.State), time, NullLogger<TrustAnchorService>.Instance);
        var publisher = new IssuerDocumentPublisher(core.Keys, core.KeyStore, core.Selection, core.Settings, NullLogger<IssuerDocumentPublisher>.Instance);
        return (new IssuerService(new IssuerStore(core.State), anchors, new IssuerDocumentSource(core.Settings), publisher, core.KeyStore, core.Settings, time, NullLogger<IssuerService>.Instance), publisher);
    }
}

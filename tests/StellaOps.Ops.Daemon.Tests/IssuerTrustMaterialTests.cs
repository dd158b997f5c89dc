using Microsoft.Extensions.Logging.Abstractions;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Trust;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The issuer directory as a verifier's trust source: an issuer's keys are trusted (with their windows) only while
/// the issuer is approved by enough operators; a stricter approval rule or a revocation takes effect at the next read.
/// </summary>
public sealed class IssuerTrustMaterialTests
{
    [Fact]
    public async Task Issuer_keys_are_trusted_only_while_the_issuer_is_approved_under_the_current_rule()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        using var core = new DaemonCore(time);
        var anchors = new TrustAnchorService(new TrustAnchorStore(core.State), time, NullLogger<TrustAnchorService>.Instance);
        var publisher = new IssuerDocumentPublisher(core.Keys, core.KeyStore, core.Selection, core.Settings, NullLogger<IssuerDocumentPublisher>.Instance);
        var issuers = new IssuerService(new IssuerStore(core.State), anchors, new IssuerDocumentSource(core.Settings), publisher, core.KeyStore, core.Settings, time, NullLogger<IssuerService>.Instance);

        var key = await core.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software, Name = "issuer" }, default);
        await core.Keys.PublishAsync(key.Id, default);
        var document = await publisher.PublishAsync(key.Id, default);
        anchors.Add(new TrustAnchorRequest { Kind = TrustAnchorKind.Key, Pem = core.Keys.PublicKey(key.Id).Pem });
        await issuers.FetchAsync("local", Path.GetDirectoryName(document), default);

        ITrustMaterial material = new IssuerTrustMaterial(issuers);
        var pending = Assert.Single(material.Issuers);
        Assert.False(pending.Trusted);
        Assert.Equal([key.Id], pending.KeyIds);
        Assert.Empty(material.Keys);

        CallerContext.Current = new CallerIdentity { UserName = "alice", UserId = 1001, Role = CallerRole.Operator };
        await issuers.ApproveAsync("local", "Approved by security team", default);
        Assert.True(Assert.Single(material.Issuers).Trusted);
        var trusted = Assert.Single(material.Keys);
        Assert.Equal(key.Id, trusted.KeyId);
        Assert.Equal(key.NotBefore, trusted.NotBefore);
        Assert.Equal(key.VerifyUntil, trusted.NotAfter);

        core.Settings.Set(IssuerService.ApprovalsSetting, "2", null);
        Assert.False(Assert.Single(material.Issuers).Trusted);
        Assert.Empty(material.Keys);

        CallerContext.Current = new CallerIdentity { UserName = "bob", UserId = 1002, Role = CallerRole.Operator };
        await issuers.ApproveAsync("local", "Second pair of eyes", default);
        Assert.Single(material.Keys);
        await issuers.RevokeAsync("local", "test", default);
        Assert.Contains("revoked", Assert.Single(material.Issuers).Reason);
        Assert.Empty(material.Keys);
        CallerContext.Current = null;
    }
}

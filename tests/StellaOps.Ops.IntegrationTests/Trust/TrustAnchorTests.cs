using System.Security.Cryptography;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests.Trust;

/// <summary>The trust store through the real daemon: idempotent adds, refused roots with the reason, kept-with-warning intermediates, key windows.</summary>
public sealed class TrustAnchorTests : TrustDaemonTest
{

    private Task<TrustAnchorInfo> AddAsync(TrustAnchorKind kind, string pem, DateTimeOffset? expires = null, DateTimeOffset? notBefore = null)
        => Client.TrustAnchors.AddAsync(new TrustAnchorRequest { Kind = kind, Pem = pem, Expires = expires, NotBefore = notBefore }, CancellationToken.None);

    [Fact]
    public async Task Adding_a_root_twice_is_idempotent_and_records_who_added_it()
    {
        using var root = TestCa.Root("Idempotent Root");
        var first = await AddAsync(TrustAnchorKind.Root, TestCa.Pem(root));
        var second = await AddAsync(TrustAnchorKind.Root, TestCa.Pem(root));
        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.AddedAt, second.AddedAt);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(root.RawData)), first.Id);
        Assert.StartsWith("root (uid 0)", first.AddedBy);
        var listed = Assert.Single(await Client.TrustAnchors.ListAsync(new TrustAnchorQuery(), CancellationToken.None));
        Assert.Equal(root.Subject, listed.Subject);
        Assert.Equal(TrustAnchorStatus.Valid, listed.Status);

        var audit = await Client.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = "anchors.Add" }, CancellationToken.None);
        Assert.Equal(2, audit.Length);
    }

    [Fact]
    public async Task A_root_that_is_not_a_CA_or_has_expired_is_refused_with_the_reason()
    {
        using var notCa = TestCa.Root("Leaf Pretending", ca: false);
        var refused = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => AddAsync(TrustAnchorKind.Root, TestCa.Pem(notCa))));
        Assert.Equal(OpsErrorCode.TrustAnchorRefused, refused.Code);
        Assert.Contains("not a CA", refused.Message);

        using var expired = TestCa.Root("Old Root", TestCa.Now.AddYears(-3), TestCa.Now.AddDays(-1));
        var gone = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => AddAsync(TrustAnchorKind.Root, TestCa.Pem(expired))));
        Assert.Equal(OpsErrorCode.TrustAnchorRefused, gone.Code);
        Assert.Contains("expired on", gone.Message);

        Assert.Empty(await Client.TrustAnchors.ListAsync(new TrustAnchorQuery(), CancellationToken.None));
        // The refusals are audited too, with their reason.
        var audit = await Client.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = "anchors.Add" }, CancellationToken.None);
        Assert.Equal(2, audit.Length);
        Assert.All(audit, e => Assert.Contains("failed", e.Message));
    }

    [Fact]
    public async Task An_intermediate_that_chains_to_no_anchor_is_kept_with_a_warning_and_without_one_once_its_root_is_there()
    {
        using var root = TestCa.Root("Later Root");
        using var intermediate = TestCa.Intermediate(root, "Early Intermediate");
        var kept = await AddAsync(TrustAnchorKind.Intermediate, TestCa.Pem(intermediate));
        Assert.True(kept.Created);
        Assert.Contains(kept.Warnings, w => w.Contains("chains to no trust anchor", StringComparison.Ordinal) && w.Contains("Later Root", StringComparison.Ordinal));
        Assert.Single(await Client.TrustAnchors.ListAsync(new TrustAnchorQuery { Kind = TrustAnchorKind.Intermediate }, CancellationToken.None));

        await AddAsync(TrustAnchorKind.Root, TestCa.Pem(root));
        using var second = TestCa.Intermediate(root, "Second Intermediate");
        Assert.Empty((await AddAsync(TrustAnchorKind.Intermediate, TestCa.Pem(second))).Warnings);
    }

    [Fact]
    public async Task A_key_anchor_keeps_its_window_and_removing_it_stops_trusting_it()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportSubjectPublicKeyInfoPem();
        var expires = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        var anchor = await AddAsync(TrustAnchorKind.Key, pem, expires);
        Assert.Equal(TrustAnchorKind.Key, anchor.Kind);
        Assert.Equal(expires, anchor.NotAfter);
        Assert.Null(anchor.NotBefore);
        Assert.Equal(KeyAlgorithm.EcdsaP256, anchor.Algorithm);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo())), anchor.Id);

        var window = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => AddAsync(TrustAnchorKind.Key, pem, expires, expires.AddDays(1))));
        Assert.Contains("ends", window.Message);

        var removed = await Client.TrustAnchors.RemoveAsync(anchor.Id[..12], CancellationToken.None);
        Assert.Equal(anchor.Id, removed.Id);
        Assert.Empty(await Client.TrustAnchors.ListAsync(new TrustAnchorQuery(), CancellationToken.None));
        var missing = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => Client.TrustAnchors.RemoveAsync(anchor.Id, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.TrustAnchorIdNotFound, missing.Code);
    }
}

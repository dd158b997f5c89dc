using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.IntegrationTests.Attestor;

namespace StellaOps.Ops.IntegrationTests.Trust;

/// <summary>
/// Key certificates and their chains against a real daemon: a software key's CSR certified by a test CA, each
/// broken variant (missing intermediate, untrusted root, expired, not yet valid, wrong key usage) named on its link,
/// and the runbook's fix (add the anchor, add the intermediate, update the chain) turning it valid.
/// </summary>
public sealed class CertificateChainTests(SharedTrustDaemon shared) : IClassFixture<SharedTrustDaemon>, IAsyncLifetime
{
    private KeyInfo _key = null!;

    private DaemonProcess Daemon => shared.Daemon;

    private OpsClient Client => shared.Client;

    /// <summary>Each test's own key, active, so an attestation made in the test is signed with it.</summary>
    public async Task InitializeAsync() => _key = await AttestorTestHost.ActiveSoftwareKeyAsync(Client, name: "chain-test");

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> CsrAsync() => (await Client.Certificates.CreateRequestAsync(_key.Id, "CN=chain test signing, O=StellaOps Test", CancellationToken.None)).Pem;

    private Task<TrustAnchorInfo> AddAsync(TrustAnchorKind kind, X509Certificate2 cert)
        => Client.TrustAnchors.AddAsync(new TrustAnchorRequest { Kind = kind, Pem = TestCa.Pem(cert) }, CancellationToken.None);

    private Task<KeyCertificateInfo> SetAsync(params X509Certificate2[] certs)
        => Client.Certificates.SetAsync(_key.Id, new KeyCertificateUpload { Pem = TestCa.Pem(certs) }, CancellationToken.None);

    private Task<CertificateChainReport> ChainAsync() => Client.Certificates.TestChainAsync(new CertificateChainQuery { KeyId = _key.Id }, CancellationToken.None);

    [Fact]
    public async Task A_software_key_csr_certified_by_a_test_ca_gives_a_valid_chain_once_its_root_is_a_trust_anchor()
    {
        var csr = await CsrAsync();
        // An independent check of the request's self-signature and subject.
        var dir = Path.Combine(Daemon.Root, "certs");
        var csrFile = TestCa.Write(dir, "key.csr", csr);
        Assert.Contains("chain test signing", OpenSsl.VerifyRequest(csrFile));

        using var root = TestCa.Root("Test Root");
        using var intermediate = TestCa.Intermediate(root, "Test Intermediate");
        using var leaf = TestCa.LeafFromCsr(intermediate, csr);
        var stored = await SetAsync(leaf, intermediate);
        Assert.Equal(leaf.Subject, stored.Leaf.Subject);
        Assert.Single(stored.Chain);
        Assert.Contains(stored.Warnings, w => w.Contains("root not trusted", StringComparison.Ordinal));

        var before = await ChainAsync();
        Assert.False(before.Valid);
        Assert.Equal(CertificateLinkStatus.RootNotTrusted, before.Links[^1].Status);
        Assert.Equal(CertificateLinkRole.Missing, before.Links[^1].Role);
        Assert.Equal("stella trust-anchors add --cert <issuer-cert.pem>", before.Links[^1].Fix);

        await AddAsync(TrustAnchorKind.Root, root);
        var after = await ChainAsync();
        Assert.True(after.Valid, after.Summary);
        Assert.Equal([CertificateLinkRole.Leaf, CertificateLinkRole.Intermediate, CertificateLinkRole.Root], after.Links.Select(l => l.Role));
        Assert.Equal([CertificateLinkStatus.Valid, CertificateLinkStatus.Valid, CertificateLinkStatus.Trusted], after.Links.Select(l => l.Status));
        Assert.Equal(leaf.SerialNumber.ToLowerInvariant(), after.Links[0].SerialNumber);
        Assert.InRange(after.Links[0].DaysLeft!.Value, 360, 366);
        Assert.All(after.Links, l => Assert.Equal(_key.Id, l.KeyId));
    }

    [Fact]
    public async Task A_stored_attestation_of_a_certified_key_is_verified_through_the_keys_stored_chain()
    {
        using var root = TestCa.Root("Root V");
        using var intermediate = TestCa.Intermediate(root, "Intermediate V");
        using var leaf = TestCa.LeafFromCsr(intermediate, await CsrAsync());
        await SetAsync(leaf, intermediate);
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_key.Id)));
        var created = Assert.Single(await Client.Attest.CreateAsync(
            [new AttestationRequest { Type = "test", Subjects = [new AttestationSubject { Name = "chain-verified", Digest = new Dictionary<string, string> { ["sha256"] = digest } }] }],
            null, CancellationToken.None));
        Assert.Equal(_key.Id, created.Attestation!.KeyId);
        var request = new VerificationRequest { Ids = [created.Attestation.Id] };

        // The key is the daemon's own, but its certificate chains to a root nobody trusts yet: the chain check says so.
        // (Another root is an anchor, so the cause is "root not trusted", not "no trust anchor at all".)
        using var other = TestCa.Root("Other Root V");
        await AddAsync(TrustAnchorKind.Root, other);
        var before = Assert.Single(await Client.Verify.VerifyAsync(request, CancellationToken.None));
        Assert.False(before.Verified);
        var chain = Assert.Single(before.Checks, c => c.Name == "certificate-chain");
        Assert.Equal(VerificationCheckStatus.Fail, chain.Status);
        Assert.Equal(OpsErrorCode.CertificateChainRootNotTrusted, chain.Failure);
        Assert.Equal([CertificateLinkRole.Leaf, CertificateLinkRole.Intermediate, CertificateLinkRole.Missing], before.CertificateChain.Select(l => l.Role));

        // The runbook's fix: add the root as a trust anchor, verify again.
        await AddAsync(TrustAnchorKind.Root, root);
        var after = Assert.Single(await Client.Verify.VerifyAsync(request, CancellationToken.None));
        Assert.True(after.Verified, string.Join("\n", after.Checks));
        Assert.Equal(CertificateLinkStatus.Trusted, after.CertificateChain[^1].Status);
        Assert.Equal(leaf.SerialNumber.ToLowerInvariant(), after.CertificateChain[0].SerialNumber);
    }

    [Fact]
    public async Task A_missing_intermediate_is_named_and_adding_it_then_update_chain_stores_it_and_says_so()
    {
        var csr = await CsrAsync();
        using var root = TestCa.Root("Root M");
        using var intermediate = TestCa.Intermediate(root, "Intermediate M");
        using var leaf = TestCa.LeafFromCsr(intermediate, csr);
        await AddAsync(TrustAnchorKind.Root, root);
        await SetAsync(leaf);

        var missing = await ChainAsync();
        Assert.False(missing.Valid);
        Assert.Equal(2, missing.Links.Length);
        Assert.Equal(CertificateLinkStatus.IntermediateMissing, missing.Links[1].Status);
        Assert.Contains("intermediate missing", missing.Summary);
        Assert.Equal("stella trust-anchors add-intermediate --cert <intermediate.pem>", missing.Links[1].Fix);

        var added = await AddAsync(TrustAnchorKind.Intermediate, intermediate);
        Assert.Empty(added.Warnings);
        // The trust store's intermediates are links for every chain: valid now, before the stored chain changes.
        Assert.True((await ChainAsync()).Valid);

        var update = await Client.Certificates.UpdateChainAsync(_key.Id, null, CancellationToken.None);
        Assert.True(update.Changed);
        Assert.Equal(intermediate.Subject, Assert.Single(update.Added).Subject);
        Assert.Empty(update.Removed);
        Assert.Contains("added 'CN=Intermediate M", update.Message);
        var again = await Client.Certificates.UpdateChainAsync(_key.Id, null, CancellationToken.None);
        Assert.False(again.Changed);
        Assert.Contains("unchanged", again.Message);
    }

    [Fact]
    public async Task A_self_signed_root_that_is_not_an_anchor_is_root_not_trusted()
    {
        var csr = await CsrAsync();
        using var trusted = TestCa.Root("Some Other Root");
        using var root = TestCa.Root("Stranger Root");
        using var intermediate = TestCa.Intermediate(root, "Stranger Intermediate");
        using var leaf = TestCa.LeafFromCsr(intermediate, csr);
        await AddAsync(TrustAnchorKind.Root, trusted);
        await SetAsync(leaf, intermediate, root);
        var chain = await ChainAsync();
        Assert.False(chain.Valid);
        Assert.Equal(CertificateLinkRole.Root, chain.Links[^1].Role);
        Assert.Equal(root.Subject, chain.Links[^1].Subject);
        Assert.Equal(CertificateLinkStatus.RootNotTrusted, chain.Links[^1].Status);
        Assert.Contains("root not trusted", chain.Summary);
    }

    [Fact]
    public async Task Expired_not_yet_valid_and_wrong_key_usage_links_each_say_which()
    {
        var csr = await CsrAsync();
        using var root = TestCa.Root("Root V");
        await AddAsync(TrustAnchorKind.Root, root);

        using var expiredIntermediate = TestCa.Intermediate(root, "Expired Intermediate", TestCa.Now.AddDays(-20), TestCa.Now.AddDays(-2));
        using var leafUnderExpired = TestCa.LeafFromCsr(expiredIntermediate, csr, TestCa.Now.AddDays(-10), TestCa.Now.AddDays(-3));
        await SetAsync(leafUnderExpired, expiredIntermediate);
        var expired = await ChainAsync();
        Assert.False(expired.Valid);
        Assert.Equal(CertificateLinkStatus.Expired, expired.Links[0].Status);
        Assert.Equal(CertificateLinkStatus.Expired, expired.Links[1].Status);
        Assert.True(expired.Links[1].DaysLeft < 0);
        Assert.Contains("certificate expired", expired.Summary);

        using var intermediate = TestCa.Intermediate(root, "Good Intermediate");
        using var future = TestCa.LeafFromCsr(intermediate, csr, TestCa.Now.AddDays(5), TestCa.Now.AddDays(50));
        await SetAsync(future, intermediate);
        var notYet = await ChainAsync();
        Assert.Equal(CertificateLinkStatus.NotYetValid, notYet.Links[0].Status);
        Assert.Equal([CertificateLinkStatus.Valid, CertificateLinkStatus.Trusted], notYet.Links.Skip(1).Select(l => l.Status));

        using var serverOnly = TestCa.LeafFromCsr(intermediate, csr, eku: "1.3.6.1.5.5.7.3.1");
        await SetAsync(serverOnly, intermediate);
        var usage = await ChainAsync();
        Assert.Equal(CertificateLinkStatus.WrongKeyUsage, usage.Links[0].Status);
        Assert.Contains("code signing", usage.Links[0].Reason);

        using var encipherOnly = TestCa.LeafFromCsr(intermediate, csr, usage: X509KeyUsageFlags.KeyEncipherment);
        await SetAsync(encipherOnly, intermediate);
        Assert.Equal(CertificateLinkStatus.WrongKeyUsage, (await ChainAsync()).Links[0].Status);
    }

    [Fact]
    public async Task A_certificate_for_another_key_is_refused_and_changes_nothing()
    {
        var other = await Client.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software, Name = "other" }, CancellationToken.None);
        var otherCsr = (await Client.Certificates.CreateRequestAsync(other.Id, "CN=other", CancellationToken.None)).Pem;
        using var root = TestCa.Root("Root X");
        using var leaf = TestCa.LeafFromCsr(root, otherCsr);
        var refused = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => SetAsync(leaf)));
        Assert.Equal(OpsErrorCode.KeyCertificateRefused, refused.Code);
        Assert.Contains(other.Id, refused.Message);
        var none = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(ChainAsync));
        Assert.Equal(OpsErrorCode.KeyCertificateNotFound, none.Code);
    }

    [Fact]
    public async Task The_chain_of_an_attestation_is_the_chain_of_the_key_that_signed_it()
    {
        var csr = await CsrAsync();
        using var root = TestCa.Root("Root A");
        using var leaf = TestCa.LeafFromCsr(root, csr);
        await AddAsync(TrustAnchorKind.Root, root);
        await SetAsync(leaf);
        var attestation = (await AttestorTestHost.CreateOneAsync(Client, AttestorTestHost.Request("app@sha256:" + new string('c', 64)))).Attestation!;
        var report = await Client.Certificates.TestChainAsync(new CertificateChainQuery { AttestationId = attestation.Id }, CancellationToken.None);
        Assert.True(report.Valid, report.Summary);
        Assert.Equal(_key.Id, report.KeyId);
        Assert.Equal(attestation.Id, report.AttestationId);
        Assert.NotNull(report.SignedAt);
        Assert.All(report.Links, l => Assert.Equal(attestation.Id, l.AttestationId));
    }
}

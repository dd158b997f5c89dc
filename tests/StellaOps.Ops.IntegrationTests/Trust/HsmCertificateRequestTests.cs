using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;
using static StellaOps.Ops.IntegrationTests.Hsm.HsmTestHost;

namespace StellaOps.Ops.IntegrationTests.Trust;

/// <summary>A CSR for an HSM key, signed in SoftHSM2 through the daemon's key service, certified by a test CA and chained to its root.</summary>
public sealed class HsmCertificateRequestTests : IAsyncLifetime
{
    private SoftHsmToken _token = null!;
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync()
    {
        _token = SoftHsmToken.Create(pin: "135790");
        _daemon = new DaemonProcess();
        var pinFile = WritePinFile(_daemon, "primary.pin", _token.Pin);
        WriteConfig(_daemon, new { Pkcs11 = new { LibraryPath = SoftHsmLibrary }, Primary = DirectMember(_token, pinFile) });
        await _daemon.StartAsync();
        await using var client = await _daemon.ConnectAsync();
        await WaitForAsync(client, s => s.State == HsmOverallState.Connected, TimeSpan.FromSeconds(20), "Connected");
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _token.Dispose();
    }

    [Fact]
    public async Task An_hsm_key_signs_its_own_certificate_request_and_the_issued_chain_is_valid()
    {
        await using var client = await _daemon.ConnectAsync();
        var key = await client.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = KeyAlgorithm.EcdsaP256, Provider = KeyProvider.Hsm, Name = "hsm-cert" }, CancellationToken.None);
        Assert.Equal(KeyProvider.Hsm, key.Provider);
        var csr = await client.Certificates.CreateRequestAsync(key.Id, "CN=hsm release signing, O=StellaOps Test", CancellationToken.None);
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", csr.Pem);
        OpenSsl.VerifyRequest(TestCa.Write(_daemon.Root, "hsm.csr", csr.Pem));

        using var root = TestCa.Root("HSM Test Root");
        using var intermediate = TestCa.Intermediate(root, "HSM Test Intermediate");
        using var leaf = TestCa.LeafFromCsr(intermediate, csr.Pem);
        await client.TrustAnchors.AddAsync(new TrustAnchorRequest { Kind = TrustAnchorKind.Root, Pem = TestCa.Pem(root) }, CancellationToken.None);
        var stored = await client.Certificates.SetAsync(key.Id, new KeyCertificateUpload { Pem = TestCa.Pem(leaf, intermediate) }, CancellationToken.None);
        Assert.Empty(stored.Warnings);
        var chain = await client.Certificates.TestChainAsync(new CertificateChainQuery { KeyId = key.Id }, CancellationToken.None);
        Assert.True(chain.Valid, chain.Summary);
        Assert.Equal(3, chain.Links.Length);
    }
}

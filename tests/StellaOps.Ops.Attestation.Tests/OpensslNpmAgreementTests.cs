using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StellaOps.Ops.Attestation.Tests.Support;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Attestation.Tests;

/// <summary>
/// The project's verifier and @sigstore/verify (tests/interop/verify-bundle.mjs) judge the same openssl-made bundles,
/// good and tampered, and agree on each. @sigstore/verify checks a certificate chain only at the time of a verified
/// timestamp (it has no "current time" path), so the certificate cases carry an `openssl ts` RFC 3161 timestamp.
/// </summary>
public sealed class OpensslNpmAgreementTests : IDisposable
{
    private readonly OpensslDsse _openssl = new();

    public void Dispose() => _openssl.Dispose();

    private static byte[] Statement(string name)
        => Encoding.UTF8.GetBytes("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"" + name + "\",\"digest\":{\"sha256\":\""
            + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name))) + "\"}}],\"predicateType\":\"https://stellaops.example/test/v1\",\"predicate\":{}}");

    private string Mutate(string path, string name, Action<JsonNode> change)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        change(json);
        File.WriteAllText(_openssl.PathOf(name), json.ToJsonString());
        return _openssl.PathOf(name);
    }

    [Theory]
    [InlineData("p256", "v0.3")]
    [InlineData("p256", "v0.2")]
    [InlineData("ed25519", "v0.3")]
    public async Task Ours_and_sigstore_js_agree_on_good_and_tampered_openssl_bundles(string algorithm, string version)
    {
        var id = _openssl.KeyGen("k", algorithm);
        _openssl.KeyGen("other", algorithm);
        var pem = _openssl.PublicKeyPem("k");
        var good = _openssl.BundleWithHint(_openssl.Sign("k", Statement("artifact"), id, "env.json"), version, id, "good.json");
        var cases = new Dictionary<string, (string Path, bool Expected, string PublicKey)>
        {
            ["good"] = (good, true, pem),
            ["payload"] = (Mutate(good, "payload.json", j => j["dsseEnvelope"]!["payload"] = Convert.ToBase64String(Statement("another"))), false, pem),
            ["signature"] = (Mutate(good, "sig.json", j =>
            {
                var sig = Convert.FromBase64String((string)j["dsseEnvelope"]!["signatures"]![0]!["sig"]!);
                sig[8] ^= 0x40;
                j["dsseEnvelope"]!["signatures"]![0]!["sig"] = Convert.ToBase64String(sig);
            }), false, pem),
            // The bundle names a key id nobody trusts: the trusted key is the other one.
            ["other key"] = (good, false, _openssl.PublicKeyPem("other")),
        };
        foreach (var (name, (path, expected, publicKey)) in cases)
        {
            using var verifier = new AttestationVerifier(new StaticTrustMaterial([TrustedKey.FromPem(publicKey)]));
            var ours = verifier.Verify(File.ReadAllBytes(path), name);
            var npm = await NodeInterop.VerifyBundleAsync(File.ReadAllText(path), publicKey);
            Assert.True(expected == ours.Verified, $"{name}: ours {(ours.Verified ? "verified" : $"failed: {ours.Cause}: {ours.Message}")}");
            Assert.True(expected == (npm.ExitCode == 0), $"{name}: @sigstore/verify exit {npm.ExitCode}: {npm.Stderr}{npm.Stdout}");
        }
    }

    private static bool NpmVerified((int ExitCode, string Stdout, string Stderr) run) => run.ExitCode == 0;

    [Fact]
    public async Task Ours_and_sigstore_js_agree_on_timestamped_certificate_bundles()
    {
        var tsa = _openssl.Tsa("tsa");
        var tsaChain = _openssl.PathOf("tsa-chain.pem");
        File.WriteAllText(tsaChain, File.ReadAllText(tsa + ".pem") + File.ReadAllText(tsa + "-root.pem"));
        var tsaAnchor = new TrustedCertificate(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(tsa + "-root.pem")), TrustedCertificateRole.Root, "tsa");

        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var root = TestCertificates.Root("Agree Root", rootKey);
        var intermediate = TestCertificates.Intermediate("Agree Intermediate", intKey, root, rootKey);
        var caChain = _openssl.PathOf("ca-chain.pem");
        File.WriteAllText(caChain, intermediate.ExportCertificatePem() + "\n" + root.ExportCertificatePem());
        var keyFile = TestCertificates.WriteKeyPem(_openssl.PathOf("leaf.key"), leafKey);
        var leafPub = _openssl.PathOf("leaf.pub.pem");
        File.WriteAllText(leafPub, leafKey.ExportSubjectPublicKeyInfoPem());
        var now = DateTimeOffset.UtcNow;

        string Bundle(string name, System.Security.Cryptography.X509Certificates.X509Certificate2 leaf)
        {
            var envelope = _openssl.Sign(keyFile, Statement("artifact"), null, name + ".env.json");
            var sig = Convert.FromBase64String((string)JsonNode.Parse(File.ReadAllText(envelope))!["signatures"]![0]!["sig"]!);
            var token = _openssl.Timestamp(tsa, sig, name + ".tsr");
            return _openssl.BundleWithCertificates(envelope, "v0.3", name, token, TestCertificates.WritePem(_openssl.PathOf(name + ".leaf.pem"), leaf));
        }

        var good = Bundle("good.json", TestCertificates.Leaf("signer", leafKey, intermediate, intKey));
        var expired = Bundle("expired.json", TestCertificates.Leaf("expired", leafKey, intermediate, intKey, now.AddDays(-30), now.AddDays(-1)));
        var anchors = new StaticTrustMaterial(certificates: [new TrustedCertificate(root, TrustedCertificateRole.Root, "ca"), new TrustedCertificate(intermediate, TrustedCertificateRole.Intermediate, "ca"), tsaAnchor]);
        var tsaOnly = new StaticTrustMaterial(certificates: [tsaAnchor]);
        var cases = new (string Name, string Bundle, ITrustMaterial Ours, string[] Npm, bool Expected)[]
        {
            ("good", good, anchors, ["--ca", caChain, "--tsa", tsaChain, "--timestamps", "1"], true),
            ("CA not trusted", good, tsaOnly, ["--tsa", tsaChain, "--timestamps", "1"], false),
            ("TSA not trusted", good, new StaticTrustMaterial(certificates: [.. anchors.Certificates.Take(2)]), ["--ca", caChain, "--timestamps", "1"], false),
            ("expired at the timestamp", expired, anchors, ["--ca", caChain, "--tsa", tsaChain, "--timestamps", "1"], false),
        };
        foreach (var c in cases)
        {
            using var verifier = new AttestationVerifier(c.Ours);
            var ours = verifier.Verify(File.ReadAllBytes(c.Bundle), c.Name);
            var npm = await NodeInterop.VerifyBundleAsync(File.ReadAllText(c.Bundle), File.ReadAllText(leafPub), c.Npm);
            Assert.True(c.Expected == ours.Verified, $"{c.Name}: ours {(ours.Verified ? "verified" : $"failed: {ours.Cause}: {ours.Message}")}");
            Assert.True(c.Expected == NpmVerified(npm), $"{c.Name}: @sigstore/verify exit {npm.ExitCode}: {npm.Stderr}{npm.Stdout}");
            if (c.Expected) Assert.Equal(SigningTimeSource.Rfc3161Timestamp, ours.SigningTimeSource);
        }
    }
}

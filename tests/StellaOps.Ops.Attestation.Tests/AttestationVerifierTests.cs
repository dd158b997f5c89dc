using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using StellaOps.Ops.Attestation.Tests.Support;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Attestation.Tests;

/// <summary>
/// The verifier on envelopes and bundles made outside the project (openssl over the PAE, jq; Fixtures/openssl-dsse.sh)
/// and on real X.509 chains made here. Each runbook cause gives its own named failure, and the runbook's fix turns it
/// into Verified.
/// </summary>
public sealed class AttestationVerifierTests : IDisposable
{
    private static readonly string Digest = Convert.ToHexStringLower(SHA256.HashData("artifact"u8));
    private readonly OpensslDsse _openssl = new();

    public void Dispose() => _openssl.Dispose();

    private static byte[] Statement(string digest = "")
        => Encoding.UTF8.GetBytes("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"artifact\",\"digest\":{\"sha256\":\""
            + (digest.Length > 0 ? digest : Digest) + "\"}}],\"predicateType\":\"https://stellaops.example/test/v1\",\"predicate\":{\"by\":\"openssl\"}}");

    private static AttestationVerification Verify(ITrustMaterial trust, string path, VerificationPolicy? policy = null, DateTimeOffset? recorded = null)
    {
        using var verifier = new AttestationVerifier(trust);
        var input = SignedAttestation.Read(File.ReadAllBytes(path));
        if (recorded is { } at) input = WithRecordedTime(input, at);
        return verifier.Verify(input, Path.GetFileName(path), policy);
    }

    private static SignedAttestation WithRecordedTime(SignedAttestation input, DateTimeOffset at)
        => new(input.Envelope!, input.Format, input.KeyHint, input.Certificates, input.Timestamps, input.LogEntries) { RecordedSigningTime = at };

    private static VerificationCheckResult CheckOf(AttestationVerification r, string name) => Assert.Single(r.Checks, c => c.Name == name);

    private static void AssertFailure(AttestationVerification r, OpsErrorCode cause, string check)
    {
        Assert.False(r.Verified, string.Join("\n", r.Checks));
        Assert.Equal(cause, r.Failure);
        var failed = CheckOf(r, check);
        Assert.Equal(VerificationCheckStatus.Fail, failed.Status);
        Assert.Equal(cause, failed.Failure);
        Assert.Equal(VerificationCauses.Of(cause).Words, r.Cause);
        Assert.Contains("stella ", r.Fix ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p256", KeyAlgorithm.EcdsaP256)]
    [InlineData("p384", KeyAlgorithm.EcdsaP384)]
    [InlineData("ed25519", KeyAlgorithm.Ed25519)]
    public void An_openssl_envelope_verifies_and_reports_every_check(string algorithm, KeyAlgorithm expected)
    {
        var id = _openssl.KeyGen("k", algorithm);
        var envelope = _openssl.Sign("k", Statement(), id, "env.json");
        var trust = new StaticTrustMaterial([TrustedKey.FromPem(_openssl.PublicKeyPem("k"), source: "test")]);

        var r = Verify(trust, envelope, new VerificationPolicy { ExpectedSubjectDigest = "sha256:" + Digest });

        Assert.True(r.Verified, string.Join("\n", r.Checks));
        Assert.Equal(id, r.KeyId);
        Assert.Equal(expected, r.Algorithm);
        Assert.Equal("artifact", Assert.Single(r.Subjects).Name);
        Assert.Equal(SigningTimeSource.CurrentTime, r.SigningTimeSource);
        Assert.Contains("current time", r.SigningTimeDetail);
        Assert.Equal(
            [VerificationNames.EnvelopeWellFormed, VerificationNames.Statement, VerificationNames.SubjectDigest, VerificationNames.KeyKnown,
             VerificationNames.AlgorithmSupported, VerificationNames.Signature, VerificationNames.SigningTime, VerificationNames.KeyValidAtSigningTime,
             VerificationNames.CertificateChain, VerificationNames.CertificateValidity, VerificationNames.CertificateUsage,
             VerificationNames.IssuerTrusted, VerificationNames.TransparencyLog],
            r.Checks.Select(c => c.Name));
        Assert.Equal(VerificationCheckStatus.Skipped, CheckOf(r, VerificationNames.TransparencyLog).Status);
        Assert.Equal(VerificationCheckStatus.Skipped, CheckOf(r, VerificationNames.CertificateChain).Status);
    }

    [Fact]
    public void Tampered_payload_signature_and_key_id_fail_with_their_causes()
    {
        var id = _openssl.KeyGen("k");
        var other = _openssl.KeyGen("other");
        var trust = new StaticTrustMaterial([TrustedKey.FromPem(_openssl.PublicKeyPem("k"))]);
        var good = _openssl.Sign("k", Statement(), id, "good.json");
        var json = JsonNode.Parse(File.ReadAllText(good))!;

        var payload = json.DeepClone();
        payload["payload"] = Convert.ToBase64String(Statement(Convert.ToHexStringLower(SHA256.HashData("other"u8))));
        File.WriteAllText(_openssl.PathOf("payload.json"), payload.ToJsonString());
        AssertFailure(Verify(trust, _openssl.PathOf("payload.json")), OpsErrorCode.SignatureVerificationFailed, VerificationNames.Signature);

        var signature = json.DeepClone();
        var sig = Convert.FromBase64String((string)signature["signatures"]![0]!["sig"]!);
        sig[^1] ^= 0x01;
        signature["signatures"]![0]!["sig"] = Convert.ToBase64String(sig);
        File.WriteAllText(_openssl.PathOf("sig.json"), signature.ToJsonString());
        AssertFailure(Verify(trust, _openssl.PathOf("sig.json")), OpsErrorCode.SignatureVerificationFailed, VerificationNames.Signature);

        var keyId = json.DeepClone();
        keyId["signatures"]![0]!["keyid"] = other;
        File.WriteAllText(_openssl.PathOf("keyid.json"), keyId.ToJsonString());
        AssertFailure(Verify(trust, _openssl.PathOf("keyid.json")), OpsErrorCode.TrustAnchorNotFound, VerificationNames.KeyKnown);

        // Signed by a key nobody trusts, under its own id.
        AssertFailure(Verify(trust, _openssl.Sign("other", Statement(), other, "untrusted.json")), OpsErrorCode.TrustAnchorNotFound, VerificationNames.KeyKnown);
    }

    [Fact]
    public void Bad_input_is_an_invalid_attestation_never_an_exception()
    {
        using var verifier = new AttestationVerifier(new StaticTrustMaterial());
        foreach (var text in new[] { "", "not json", "{}", "[]", """{"payload":"!!","payloadType":"x","signatures":[]}""",
                     """{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"x509CertificateChain":7},"dsseEnvelope":{}}""",
                     """{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"certificate":{"rawBytes":"AAAA"}},"dsseEnvelope":{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AAAA"}]}}""" })
        {
            var r = verifier.Verify(Encoding.UTF8.GetBytes(text), "input");
            Assert.False(r.Verified);
            Assert.Equal(OpsErrorCode.InvalidAttestation, r.Failure);
            Assert.Equal(SigningTimeSource.CurrentTime, r.SigningTimeSource);
            Assert.True(r.SigningTime > DateTimeOffset.UtcNow.AddDays(-1), "an unread input is judged at the current time, not at 0001-01-01");
        }
        var id = _openssl.KeyGen("k");
        var wrongType = _openssl.Sign("k", Statement(), id, "type.json", "text/plain");
        AssertFailure(Verify(new StaticTrustMaterial([TrustedKey.FromPem(_openssl.PublicKeyPem("k"))]), wrongType), OpsErrorCode.InvalidAttestation, VerificationNames.EnvelopeWellFormed);
    }

    [Fact]
    public void A_subject_digest_other_than_expected_fails()
    {
        var id = _openssl.KeyGen("k");
        var trust = new StaticTrustMaterial([TrustedKey.FromPem(_openssl.PublicKeyPem("k"))]);
        var r = Verify(trust, _openssl.Sign("k", Statement(), id, "env.json"), new VerificationPolicy { ExpectedSubjectDigest = "sha256:" + new string('0', 64) });
        AssertFailure(r, OpsErrorCode.SubjectDigestMismatch, VerificationNames.SubjectDigest);
    }

    [Theory]
    [InlineData("v0.1")]
    [InlineData("v0.2")]
    [InlineData("v0.3")]
    public void Public_key_bundles_of_every_version_verify(string version)
    {
        var id = _openssl.KeyGen("k");
        var bundle = _openssl.BundleWithHint(_openssl.Sign("k", Statement(), null, "env.json"), version, id, "bundle.json");
        var r = Verify(new StaticTrustMaterial([TrustedKey.FromPem(_openssl.PublicKeyPem("k"))]), bundle);
        Assert.True(r.Verified, string.Join("\n", r.Checks));
        Assert.StartsWith("application/vnd.dev.sigstore.bundle", r.Format);
        Assert.Equal(id, r.KeyId);
    }

    [Fact]
    public void A_rotated_key_verifies_what_it_signed_before_its_window_ended_and_not_after()
    {
        var id = _openssl.KeyGen("old");
        var until = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var trust = new StaticTrustMaterial([TrustedKey.FromPem(_openssl.PublicKeyPem("old"), notAfter: until, source: "trust-anchors add-key --expires")]);
        var envelope = _openssl.Sign("old", Statement(), id, "env.json");

        var before = Verify(trust, envelope, recorded: until.AddDays(-1));
        Assert.True(before.Verified, string.Join("\n", before.Checks));
        Assert.Equal(SigningTimeSource.DaemonRecord, before.SigningTimeSource);

        var after = Verify(trust, envelope, recorded: until.AddSeconds(1));
        AssertFailure(after, OpsErrorCode.KeyNotTrustedAtSigningTime, VerificationNames.KeyValidAtSigningTime);
        Assert.Equal("key not trusted at signing time", after.Cause);
        Assert.Contains("add-key", after.Fix);

        // With no signing time at all the current time is used, and said so: past the window, it fails too.
        var now = Verify(trust, envelope);
        AssertFailure(now, OpsErrorCode.KeyNotTrustedAtSigningTime, VerificationNames.KeyValidAtSigningTime);
        Assert.Equal(SigningTimeSource.CurrentTime, now.SigningTimeSource);
    }

    [Fact]
    public void An_issuer_that_is_not_approved_fails_and_trusting_it_fixes_it()
    {
        var id = _openssl.KeyGen("k");
        var key = TrustedKey.FromPem(_openssl.PublicKeyPem("k"));
        var envelope = _openssl.Sign("k", Statement(), id, "env.json");

        var untrusted = Verify(new StaticTrustMaterial([key], issuers: [new TrustedIssuer("acme", [id], false, "not approved yet")]), envelope);
        AssertFailure(untrusted, OpsErrorCode.IssuerNotTrusted, VerificationNames.IssuerTrusted);
        Assert.Contains("stella issuer trust", untrusted.Fix);

        var trusted = Verify(new StaticTrustMaterial([key], issuers: [new TrustedIssuer("acme", [id], true, "approved by alice")]), envelope);
        Assert.True(trusted.Verified);
        Assert.Equal("acme", trusted.Issuer);

        var expectedOther = Verify(new StaticTrustMaterial([key], issuers: [new TrustedIssuer("acme", [id], true, "approved")]), envelope, new VerificationPolicy { ExpectedIssuer = "globex" });
        AssertFailure(expectedOther, OpsErrorCode.IssuerNotTrusted, VerificationNames.IssuerTrusted);
    }

    [Fact]
    public void Required_log_entries_fail_until_the_log_can_be_checked()
    {
        var id = _openssl.KeyGen("k");
        var r = Verify(new StaticTrustMaterial([TrustedKey.FromPem(_openssl.PublicKeyPem("k"))]), _openssl.Sign("k", Statement(), id, "env.json"), new VerificationPolicy { RequiredLogEntries = 1 });
        AssertFailure(r, OpsErrorCode.TransparencyLogEntryMissing, VerificationNames.TransparencyLog);
    }

    /// <summary>A root → intermediate → leaf chain with the leaf's key signing through openssl.</summary>
    private sealed class Pki : IDisposable
    {
        public readonly ECDsa RootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        public readonly ECDsa IntermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        public readonly ECDsa LeafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        public readonly X509Certificate2 Root;
        public readonly X509Certificate2 Intermediate;

        public Pki(string name = "Test Root")
        {
            Root = TestCertificates.Root(name, RootKey);
            Intermediate = TestCertificates.Intermediate(name + " Intermediate", IntermediateKey, Root, RootKey);
        }

        public TrustedCertificate RootAnchor => new(Root, TrustedCertificateRole.Root, "test root");
        public TrustedCertificate IntermediateAnchor => new(Intermediate, TrustedCertificateRole.Intermediate, "test intermediate");

        public void Dispose()
        {
            RootKey.Dispose();
            IntermediateKey.Dispose();
            LeafKey.Dispose();
        }
    }

    private string CertificateBundle(Pki pki, X509Certificate2 leaf, string version, bool withIntermediate, string name = "bundle.json", ECDsa? signingKey = null)
    {
        var key = TestCertificates.WriteKeyPem(_openssl.PathOf(name + ".leaf.key"), signingKey ?? pki.LeafKey);
        var envelope = _openssl.Sign(key, Statement(), null, name + ".env.json");
        var pems = new List<string> { TestCertificates.WritePem(_openssl.PathOf(name + ".leaf.pem"), leaf) };
        if (withIntermediate) pems.Add(TestCertificates.WritePem(_openssl.PathOf(name + ".int.pem"), pki.Intermediate));
        return _openssl.BundleWithCertificates(envelope, version, name, [.. pems]);
    }

    [Theory]
    [InlineData("v0.1")]
    [InlineData("v0.2")]
    [InlineData("v0.3")]
    public void A_certificate_bundle_verifies_through_every_link_to_the_anchor(string version)
    {
        using var pki = new Pki();
        var leaf = TestCertificates.Leaf("signer", pki.LeafKey, pki.Intermediate, pki.IntermediateKey);
        // v0.3 carries only the leaf: the intermediate comes from the trust store.
        var trust = new StaticTrustMaterial(certificates: [pki.RootAnchor, pki.IntermediateAnchor]);
        var r = Verify(trust, CertificateBundle(pki, leaf, version, withIntermediate: version != "v0.3"));

        Assert.True(r.Verified, string.Join("\n", r.Checks));
        Assert.Equal([CertificateLinkRole.Leaf, CertificateLinkRole.Intermediate, CertificateLinkRole.Root], r.CertificateChain.Select(l => l.Role));
        Assert.Equal("CN=signer", r.CertificateChain[0].Subject);
        Assert.Equal(CertificateLinkStatus.Trusted, r.CertificateChain[2].Status);
        Assert.Equal(3, CheckOf(r, VerificationNames.CertificateChain).Evidence.Count);
        Assert.Equal(VerificationCheckStatus.Pass, CheckOf(r, VerificationNames.CertificateUsage).Status);
    }

    [Fact]
    public void Each_chain_cause_has_its_own_failure_and_the_runbook_fix_turns_it_into_verified()
    {
        using var pki = new Pki();
        var leaf = TestCertificates.Leaf("signer", pki.LeafKey, pki.Intermediate, pki.IntermediateKey);
        var leafOnly = CertificateBundle(pki, leaf, "v0.3", withIntermediate: false, "leaf-only.json");
        var withChain = CertificateBundle(pki, leaf, "v0.2", withIntermediate: true, "chain.json");

        // No CA root at all: trust anchor not found.
        AssertFailure(Verify(new StaticTrustMaterial(), withChain), OpsErrorCode.TrustAnchorNotFound, VerificationNames.CertificateChain);

        // Root trusted, intermediate in neither bundle nor store: intermediate missing; adding it fixes it.
        var missing = Verify(new StaticTrustMaterial(certificates: [pki.RootAnchor]), leafOnly);
        AssertFailure(missing, OpsErrorCode.CertificateChainIntermediateMissing, VerificationNames.CertificateChain);
        Assert.Contains("add-intermediate", missing.Fix);
        Assert.True(Verify(new StaticTrustMaterial(certificates: [pki.RootAnchor, pki.IntermediateAnchor]), leafOnly).Verified);

        // Another root is trusted: root not trusted; adding the root fixes it.
        using var other = new Pki("Other Root");
        var untrusted = Verify(new StaticTrustMaterial(certificates: [other.RootAnchor]), withChain);
        AssertFailure(untrusted, OpsErrorCode.CertificateChainRootNotTrusted, VerificationNames.CertificateChain);
        Assert.Contains("trust-anchors add --cert", untrusted.Fix);
        Assert.True(Verify(new StaticTrustMaterial(certificates: [other.RootAnchor, pki.RootAnchor]), withChain).Verified);
    }

    [Fact]
    public void Expired_not_yet_valid_and_wrong_usage_certificates_fail_by_name()
    {
        using var pki = new Pki();
        var trust = new StaticTrustMaterial(certificates: [pki.RootAnchor, pki.IntermediateAnchor]);
        var now = DateTimeOffset.UtcNow;

        var expired = TestCertificates.Leaf("expired", pki.LeafKey, pki.Intermediate, pki.IntermediateKey, now.AddDays(-60), now.AddDays(-1));
        var r = Verify(trust, CertificateBundle(pki, expired, "v0.3", false, "expired.json"));
        AssertFailure(r, OpsErrorCode.CertificateExpired, VerificationNames.CertificateValidity);
        Assert.Contains("resign", r.Fix);
        // Signed while it was valid (the daemon's record says so): it verifies.
        Assert.True(Verify(trust, _openssl.PathOf("expired.json"), recorded: now.AddDays(-2)).Verified);

        var future = TestCertificates.Leaf("future", pki.LeafKey, pki.Intermediate, pki.IntermediateKey, now.AddDays(1), now.AddDays(60));
        AssertFailure(Verify(trust, CertificateBundle(pki, future, "v0.3", false, "future.json")), OpsErrorCode.CertificateNotYetValid, VerificationNames.CertificateValidity);

        var tls = TestCertificates.Leaf("tls", pki.LeafKey, pki.Intermediate, pki.IntermediateKey, eku: "1.3.6.1.5.5.7.3.1");
        AssertFailure(Verify(trust, CertificateBundle(pki, tls, "v0.3", false, "tls.json")), OpsErrorCode.CertificateUsageInvalid, VerificationNames.CertificateUsage);

        var noSign = TestCertificates.Leaf("nosign", pki.LeafKey, pki.Intermediate, pki.IntermediateKey, usage: X509KeyUsageFlags.KeyEncipherment);
        AssertFailure(Verify(trust, CertificateBundle(pki, noSign, "v0.3", false, "nosign.json")), OpsErrorCode.CertificateUsageInvalid, VerificationNames.CertificateUsage);
    }

    [Fact]
    public void A_tampered_certificate_or_a_certificate_for_another_key_fails()
    {
        using var pki = new Pki();
        var trust = new StaticTrustMaterial(certificates: [pki.RootAnchor, pki.IntermediateAnchor]);
        var leaf = TestCertificates.Leaf("signer", pki.LeafKey, pki.Intermediate, pki.IntermediateKey);

        // The certificate names another key than the one that signed: the signature fails.
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        AssertFailure(Verify(trust, CertificateBundle(pki, leaf, "v0.3", false, "other-key.json", stranger)), OpsErrorCode.SignatureVerificationFailed, VerificationNames.Signature);

        // One byte of the leaf's signature changed: the link to the intermediate no longer verifies.
        var good = CertificateBundle(pki, leaf, "v0.3", false, "tampered.json");
        var json = JsonNode.Parse(File.ReadAllText(good))!;
        var der = Convert.FromBase64String((string)json["verificationMaterial"]!["certificate"]!["rawBytes"]!);
        der[^3] ^= 0x01;
        json["verificationMaterial"]!["certificate"]!["rawBytes"] = Convert.ToBase64String(der);
        File.WriteAllText(good, json.ToJsonString());
        var r = Verify(trust, good);
        Assert.False(r.Verified);
        Assert.Contains(r.Failure, new OpsErrorCode?[] { OpsErrorCode.CertificateChainInvalid, OpsErrorCode.InvalidAttestation });
    }

    [Fact]
    public void A_key_no_installed_provider_supports_is_algorithm_not_supported()
    {
        using var pki = new Pki();
        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        var leaf = TestCertificates.Leaf("p521", p521, pki.Intermediate, pki.IntermediateKey);
        var r = Verify(new StaticTrustMaterial(certificates: [pki.RootAnchor, pki.IntermediateAnchor]), CertificateBundle(pki, leaf, "v0.3", false, "p521.json", p521));
        AssertFailure(r, OpsErrorCode.AlgorithmNotSupported, VerificationNames.AlgorithmSupported);
        Assert.Contains("crypto providers list", r.Fix);
    }
}

using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Tests.Support;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Tests;

public class SigningVerificationTests
{
    public static TheoryData<string> Algorithms => TestKeys.AlgorithmNames;

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Signs_and_verifies_and_catches_tampering_and_wrong_keys(string algorithmName)
    {
        var algorithm = KeyAlgorithmNames.Parse(algorithmName);
        using var signer = TestKeys.Signer(algorithm);
        Assert.Equal(algorithm, signer.Algorithm);
        Assert.Equal(TestKeys.Get(algorithm).KeyId, signer.KeyId);

        var envelope = await DsseEnvelopeBuilder.SignAsync(Statements.Sample(), signer);
        var verifier = new DsseVerifier([TestKeys.Trusted(algorithm)]);

        var good = verifier.Verify(envelope.ToJsonBytes());
        Assert.True(good.Verified, good.ToString());
        Assert.All(good.Checks, c => Assert.Equal(CheckOutcome.Pass, c.Outcome));
        Assert.Equal([signer.KeyId], good.VerifiedKeyIds);
        Assert.Equal("test:verification", good.Statement!.Subjects[0].Name);

        // One byte of payload changed.
        var tampered = verifier.Verify(Statements.TamperOneByte(envelope).ToJsonBytes());
        Assert.False(tampered.Verified);
        Assert.Equal(CheckOutcome.Pass, tampered.Find(VerificationCheckNames.StatementParse)!.Outcome);
        Assert.Equal(CheckOutcome.Fail, tampered.Find(VerificationCheckNames.SignatureValid)!.Outcome);

        // Wrong key: only another key of the same algorithm is trusted.
        var other = new DsseVerifier([TestKeys.Trusted(algorithm, slot: 1)]);
        var unknown = other.Verify(envelope);
        Assert.False(unknown.Verified);
        Assert.Equal(CheckOutcome.Fail, unknown.Find(VerificationCheckNames.KeyFound)!.Outcome);
        Assert.Contains("not a trusted key", unknown.Find(VerificationCheckNames.KeyFound)!.Reason);

        // Wrong key that claims the trusted key's id: found by keyid, signature fails.
        var relabeled = envelope.WithSignatures([new DsseSignature(TestKeys.Get(algorithm, 1).KeyId, envelope.Signatures[0].Signature)]);
        var forged = other.Verify(relabeled);
        Assert.False(forged.Verified);
        Assert.Equal(CheckOutcome.Pass, forged.Find(VerificationCheckNames.KeyFound)!.Outcome);
        Assert.Equal(CheckOutcome.Fail, forged.Find(VerificationCheckNames.SignatureValid)!.Outcome);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Key_algorithm_and_id_come_from_the_spki(string algorithmName)
    {
        var algorithm = KeyAlgorithmNames.Parse(algorithmName);
        var pair = TestKeys.Get(algorithm);
        Assert.Equal(algorithm, KeyAlgorithms.Detect(pair.SubjectPublicKeyInfo));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pair.SubjectPublicKeyInfo)), KeyIds.FromSpki(pair.SubjectPublicKeyInfo));
        Assert.True(KeyIds.IsWellFormed(pair.KeyId));
        var pem = PublicKeyPem.Encode(pair.SubjectPublicKeyInfo);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem);
        Assert.Equal(pair.SubjectPublicKeyInfo, PublicKeyPem.Decode("junk before\n" + pem));
        Assert.Equal(pair.SubjectPublicKeyInfo, SoftwareKeys.PublicKeyFromPkcs8(pair.Pkcs8PrivateKey));
        Assert.DoesNotContain("PRIVATE", pair.ToString());
    }

    [Fact]
    public void Unsupported_keys_are_refused_with_a_reason()
    {
        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        Assert.Contains("P-256", Assert.Throws<ArgumentException>(() => new TrustedKey(p521.ExportSubjectPublicKeyInfo())).Message);
        using var rsa2048 = RSA.Create(2048);
        Assert.Contains("only rsa-3072", Assert.Throws<ArgumentException>(() => new TrustedKey(rsa2048.ExportSubjectPublicKeyInfo())).Message);
        Assert.Throws<ArgumentException>(() => new TrustedKey([0x30, 0x03, 0x02, 0x01, 0x01]));
        Assert.Throws<FormatException>(() => PublicKeyPem.Decode("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"));
    }

    [Theory]
    [InlineData("ecdsa-p256")]
    [InlineData("ecdsa-p384")]
    public async Task Raw_ecdsa_signatures_are_accepted_leniently_with_a_note_and_refused_by_the_builder(string algorithmName)
    {
        var algorithm = KeyAlgorithmNames.Parse(algorithmName);
        var pair = TestKeys.Get(algorithm);
        using var ec = ECDsa.Create();
        ec.ImportPkcs8PrivateKey(pair.Pkcs8PrivateKey, out _);
        var statement = Statements.Sample();
        var pae = DssePae.Encode(DsseEnvelope.InTotoPayloadType, statement.ToJsonBytes());
        var raw = ec.SignData(pae, KeyAlgorithms.Hash(algorithm)!.Value, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var envelope = new DsseEnvelope(DsseEnvelope.InTotoPayloadType, statement.ToJsonBytes(), [new DsseSignature(pair.KeyId, raw)]);

        // Raw r‖s is refused by default; only the explicitly weakened verifier takes it, and says so.
        var strict = new DsseVerifier([TestKeys.Trusted(algorithm)]).Verify(envelope);
        Assert.False(strict.Verified);
        Assert.Contains("not accepted", strict.Find(VerificationCheckNames.SignatureValid)!.Reason);

        var lenient = new DsseVerifier([TestKeys.Trusted(algorithm)], new DsseVerifierOptions { AllowRawEcdsaSignatures = true }).Verify(envelope);
        Assert.True(lenient.Verified, lenient.ToString());
        Assert.Contains("weakened", lenient.Find(VerificationCheckNames.SignatureValid)!.Reason);

        // An HSM-style signer that forgets to convert is caught at build time; converting fixes it.
        var rawSigner = new DelegateSigner(pair.KeyId, algorithm, p => ec.SignData(p, KeyAlgorithms.Hash(algorithm)!.Value, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => DsseEnvelopeBuilder.SignAsync(statement, rawSigner));
        Assert.Contains("P1363ToDer", e.Message);
        var hsmSigner = new DelegateSigner(pair.KeyId, algorithm, p => SignatureFormats.P1363ToDer(ec.SignData(p, KeyAlgorithms.Hash(algorithm)!.Value, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), algorithm));
        var converted = await DsseEnvelopeBuilder.SignAsync(statement, hsmSigner);
        var report = new DsseVerifier([TestKeys.Trusted(algorithm)], new DsseVerifierOptions { AllowRawEcdsaSignatures = false }).Verify(converted);
        Assert.True(report.Verified, report.ToString());
    }

    [Fact]
    public async Task Multiple_signers_threshold_counts_distinct_trusted_keys()
    {
        using var a = TestKeys.Signer(KeyAlgorithm.EcdsaP256);
        using var b = TestKeys.Signer(KeyAlgorithm.Ed25519);
        using var c = TestKeys.Signer(KeyAlgorithm.EcdsaP256, slot: 1);
        var envelope = await DsseEnvelopeBuilder.SignAsync(Statements.Sample(), [a, b, c]);
        Assert.Equal(3, envelope.Signatures.Count);

        var two = new DsseVerifier([TestKeys.Trusted(KeyAlgorithm.EcdsaP256), TestKeys.Trusted(KeyAlgorithm.Ed25519)], new DsseVerifierOptions { Threshold = 2 });
        var report = two.Verify(envelope);
        Assert.True(report.Verified, report.ToString());
        Assert.Equal(CheckOutcome.Fail, report.Find(VerificationCheckNames.KeyFound, signatureIndex: 2)!.Outcome); // untrusted c

        // The same signature twice does not count twice.
        var dup = envelope.WithSignatures([envelope.Signatures[0], envelope.Signatures[0]]);
        Assert.False(two.Verify(dup).Verified);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Pkcs8_round_trip_signs_with_the_same_key(string algorithmName)
    {
        var algorithm = KeyAlgorithmNames.Parse(algorithmName);
        var pair = TestKeys.Get(algorithm);
        using var signer = SoftwareDsseSigner.FromPkcs8(pair.Pkcs8PrivateKey);
        var pae = DssePae.Encode("t", "x"u8);
        var sig = signer.Sign(pae);
        Assert.True(DsseVerifier.VerifySignature(TestKeys.Trusted(algorithm), pae, sig, allowRawEcdsa: false, out var reason), reason);
        Assert.False(DsseVerifier.VerifySignature(TestKeys.Trusted(algorithm, 1), pae, sig, allowRawEcdsa: false, out _));
    }

    private sealed class DelegateSigner(string keyId, KeyAlgorithm algorithm, Func<byte[], byte[]> sign) : IDsseSigner
    {
        public string KeyId => keyId;
        public KeyAlgorithm Algorithm => algorithm;
        public Task<byte[]> SignAsync(ReadOnlyMemory<byte> pae, CancellationToken cancellationToken = default) => Task.FromResult(sign(pae.ToArray()));
    }
}

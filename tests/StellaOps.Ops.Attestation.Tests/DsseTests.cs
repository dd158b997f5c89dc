using System.Text;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Tests.Support;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Tests;

public class DsseTests
{
    [Fact]
    public void Pae_layout_matches_a_hand_built_vector()
    {
        // "DSSEv1" SP "28" SP type SP "2" SP body, lengths in bytes: the type is 28 bytes, the body "é!" is 3 bytes.
        var type = "application/vnd.in-toto+json";
        var body = Encoding.UTF8.GetBytes("é!");
        var expected = new List<byte>();
        expected.AddRange("DSSEv1"u8.ToArray());
        expected.Add(0x20);
        expected.AddRange("28"u8.ToArray());
        expected.Add(0x20);
        expected.AddRange(Encoding.ASCII.GetBytes(type));
        expected.Add(0x20);
        expected.Add((byte)'3');
        expected.Add(0x20);
        expected.AddRange([0xC3, 0xA9, 0x21]);
        Assert.Equal(expected.ToArray(), DssePae.Encode(type, body));

        // Multi-byte type: length counts UTF-8 bytes, not chars ("tÿpe" is 5 bytes).
        Assert.Equal("DSSEv1 5 tÿpe 0 "u8.ToArray(), DssePae.Encode("tÿpe", []));
    }

    [Fact]
    public void Pae_matches_the_dsse_spec_test_vector()
    {
        // secure-systems-lab/dsse protocol.md, "Test Vectors".
        Assert.Equal("DSSEv1 29 http://example.com/HelloWorld 11 hello world"u8.ToArray(),
            DssePae.Encode("http://example.com/HelloWorld", "hello world"u8));
    }

    [Fact]
    public void Dsse_spec_example_envelope_verifies_with_its_published_key()
    {
        // The spec's envelope: ECDSA P-256/SHA-256, signature as raw r‖s ("Cryptodome binary encoding"), no keyid.
        const string envelope = """{"payload": "aGVsbG8gd29ybGQ=", "payloadType": "http://example.com/HelloWorld", "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}""";
        var x = System.Numerics.BigInteger.Parse("46950820868899156662930047687818585632848591499744589407958293238635476079160");
        var y = System.Numerics.BigInteger.Parse("5640078356564379163099075877009565129882514886557779369047442380624545832820");
        using var ec = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
        {
            Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
            Q = new() { X = Fixed32(x), Y = Fixed32(y) },
        });
        var key = new TrustedKey(ec.ExportSubjectPublicKeyInfo());
        var lenient = new DsseVerifier([key], new DsseVerifierOptions { ExpectedPayloadType = null, RequireStatement = false, AllowRawEcdsaSignatures = true });
        var report = lenient.Verify(envelope);
        Assert.True(report.Verified, report.ToString());
        Assert.Contains("raw r‖s", report.Find(VerificationCheckNames.SignatureValid)!.Reason);
        Assert.Contains("by trial", report.Find(VerificationCheckNames.KeyFound)!.Reason);
        Assert.Equal(CheckOutcome.Skipped, report.Find(VerificationCheckNames.StatementParse)!.Outcome);

        var strict = new DsseVerifier([key], new DsseVerifierOptions { ExpectedPayloadType = null, RequireStatement = false });
        Assert.False(strict.Verify(envelope).Verified);

        // Converted to DER it verifies strictly too.
        var parsed = DsseEnvelope.Parse(envelope);
        var der = SignatureFormats.P1363ToDer(parsed.Signatures[0].Signature, KeyAlgorithm.EcdsaP256);
        var derReport = strict.Verify(parsed.WithSignatures([new DsseSignature(key.KeyId, der)]));
        Assert.True(derReport.Verified, derReport.ToString());

        // And the default (in-toto) policy rejects this payload type and the non-statement payload.
        var inToto = new DsseVerifier([key]).Verify(envelope);
        Assert.False(inToto.Verified);
        Assert.Equal(CheckOutcome.Fail, inToto.Find(VerificationCheckNames.PayloadType)!.Outcome);
        Assert.Equal(CheckOutcome.Fail, inToto.Find(VerificationCheckNames.StatementParse)!.Outcome);
        // Raw r‖s is refused by default, so by trial no trusted key verifies this signature.
        Assert.Equal(CheckOutcome.Fail, inToto.Find(VerificationCheckNames.KeyFound)!.Outcome);
    }

    private static byte[] Fixed32(System.Numerics.BigInteger v)
    {
        var b = v.ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[32 - b.Length], .. b];
    }

    [Fact]
    public async Task Envelope_json_shape_and_round_trip()
    {
        using var signer = TestKeys.Signer(KeyAlgorithm.EcdsaP256);
        var envelope = await DsseEnvelopeBuilder.SignAsync(Statements.Sample(), signer);
        var json = envelope.ToJson();
        Assert.StartsWith("{\"payload\":\"", json);
        Assert.Contains("\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"keyid\":\"" + signer.KeyId + "\",\"sig\":\"", json);
        Assert.DoesNotContain(" ", json);
        var back = DsseEnvelope.Parse(json);
        Assert.Equal(envelope.Payload.ToArray(), back.Payload.ToArray());
        Assert.Equal(envelope.Signatures[0].Signature, back.Signatures[0].Signature);
        Assert.Equal(json, back.ToJson());
    }

    [Fact]
    public async Task Url_safe_base64_envelopes_are_accepted()
    {
        using var signer = TestKeys.Signer(KeyAlgorithm.EcdsaP384);
        var envelope = await DsseEnvelopeBuilder.SignAsync(Statements.Sample(), signer);
        var payload = envelope.Payload.ToArray();
        var sig = envelope.Signatures[0].Signature;
        // Make sure the URL-safe alphabet actually appears by re-signing until the base64 has '-' or '_' (almost always on first try).
        var urlPayload = ToUrlSafe(payload);
        var urlSig = ToUrlSafe(sig);
        var json = $$"""{"payload":"{{urlPayload}}","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"{{signer.KeyId}}","sig":"{{urlSig}}"}]}""";
        Assert.True(urlPayload.IndexOfAny(['-', '_']) >= 0 || urlSig.IndexOfAny(['-', '_']) >= 0, "test data should exercise the URL-safe alphabet");

        var report = new DsseVerifier([TestKeys.Trusted(KeyAlgorithm.EcdsaP384)]).Verify(json);
        Assert.True(report.Verified, report.ToString());
        Assert.Equal(payload, report.Envelope!.Payload.ToArray());
        // Written back in the standard alphabet with padding.
        Assert.Contains(Convert.ToBase64String(payload), report.Envelope.ToJson());
    }

    private static string ToUrlSafe(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("null", "must be a JSON object")]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AAAA"}]}""", "no string 'payload'")]
    [InlineData("""{"payload":"!!!","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AAAA"}]}""", "not base64")]
    [InlineData("""{"payload":"e30=","signatures":[{"sig":"AAAA"}]}""", "no 'payloadType'")]
    [InlineData("""{"payload":"e30=","payloadType":"application/vnd.in-toto+json"}""", "no 'signatures'")]
    [InlineData("""{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[]}""", "no signatures")]
    [InlineData("""{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"k"}]}""", "no 'sig'")]
    [InlineData("""{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"A+B_"}]}""", "not base64")]
    [InlineData("""{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AAAA","keyid":5}]}""", "keyid is not a string")]
    [InlineData("""{"payload":"e30=","payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AAAA"}]}""", "not valid JSON")]
    public void Malformed_envelopes_give_a_failed_report_not_an_exception(string json, string expectedReason)
    {
        var verifier = new DsseVerifier([TestKeys.Trusted(KeyAlgorithm.EcdsaP256)]);
        var report = verifier.Verify(json);
        Assert.False(report.Verified);
        Assert.Equal(CheckOutcome.Fail, report.Overall);
        var check = report.Find(VerificationCheckNames.EnvelopeWellFormed)!;
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Contains(expectedReason, check.Reason);
        Assert.Null(report.Envelope);
    }

    [Fact]
    public void Garbage_signatures_and_non_statement_payloads_are_reported()
    {
        var verifier = new DsseVerifier([TestKeys.Trusted(KeyAlgorithm.Ed25519)]);
        var keyId = TestKeys.Get(KeyAlgorithm.Ed25519).KeyId;
        var json = $$"""{"payload":"{{Convert.ToBase64String("not json"u8)}}","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"{{keyId}}","sig":"AAAA"}]}""";
        var report = verifier.Verify(json);
        Assert.False(report.Verified);
        Assert.Equal(CheckOutcome.Pass, report.Find(VerificationCheckNames.EnvelopeWellFormed)!.Outcome);
        Assert.Equal(CheckOutcome.Fail, report.Find(VerificationCheckNames.StatementParse)!.Outcome);
        Assert.Equal(CheckOutcome.Pass, report.Find(VerificationCheckNames.KeyFound)!.Outcome);
        var sig = report.Find(VerificationCheckNames.SignatureValid)!;
        Assert.Equal(CheckOutcome.Fail, sig.Outcome);
        Assert.Contains("64 bytes", sig.Reason);
    }

    [Theory]
    [InlineData("YWJj", "abc")]
    [InlineData("YWI=", "ab")]
    [InlineData("YWI", "ab")]
    [InlineData("-_8", "\u00fb\u00ff")]
    public void Base64_reads_both_alphabets(string text, string latin1)
    {
        Assert.True(Base64Text.TryDecode(text, out var data));
        Assert.Equal(Encoding.Latin1.GetBytes(latin1), data);
    }

    [Theory]
    [InlineData("+-AA")]
    [InlineData("YWJ j")]
    [InlineData("Y")]
    [InlineData("YW=I")]
    public void Base64_rejects_mixed_or_broken_text(string text) => Assert.False(Base64Text.TryDecode(text, out _));
}

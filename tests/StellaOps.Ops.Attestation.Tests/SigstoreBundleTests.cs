using System.Text.Json;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Tests.Support;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Tests;

public class SigstoreBundleTests
{
    [Fact]
    public async Task Bundle_has_sigstore_protobuf_json_shape_and_round_trips()
    {
        using var signer = TestKeys.Signer(KeyAlgorithm.EcdsaP256);
        var envelope = await DsseEnvelopeBuilder.SignAsync(Statements.Sample(), signer);
        var bundle = SigstoreBundle.FromEnvelope(envelope, signer.KeyId);
        var json = bundle.ToJson();

        var expected = "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{\"publicKey\":{\"hint\":\"" + signer.KeyId +
                       "\"},\"tlogEntries\":[]},\"dsseEnvelope\":{\"payload\":\"" + Convert.ToBase64String(envelope.Payload.Span) +
                       "\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"" + envelope.Signatures[0].SignatureBase64 +
                       "\",\"keyid\":\"" + signer.KeyId + "\"}]}}";
        Assert.Equal(expected, json);

        var back = SigstoreBundle.Parse(json);
        Assert.Equal(signer.KeyId, back.PublicKeyHint);
        Assert.Equal(envelope.ToJson(), back.Envelope.ToJson());
        Assert.Equal(json, back.ToJson());
    }

    [Fact]
    public async Task Multi_signature_envelopes_pick_the_hinted_signature()
    {
        using var a = TestKeys.Signer(KeyAlgorithm.EcdsaP256);
        using var b = TestKeys.Signer(KeyAlgorithm.Ed25519);
        var envelope = await DsseEnvelopeBuilder.SignAsync(Statements.Sample(), [a, b]);
        var bundle = SigstoreBundle.FromEnvelope(envelope, b.KeyId);
        Assert.Equal(b.KeyId, Assert.Single(bundle.Envelope.Signatures).KeyId);
        Assert.Throws<ArgumentException>(() => SigstoreBundle.FromEnvelope(envelope, "00"));
        var single = await DsseEnvelopeBuilder.SignAsync(Statements.Sample(), a);
        Assert.Throws<ArgumentException>(() => SigstoreBundle.FromEnvelope(single, b.KeyId));
    }

    [Theory]
    [InlineData("""{"mediaType":"application/json","verificationMaterial":{"publicKey":{"hint":"k"}},"dsseEnvelope":{}}""", "mediaType")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{},"dsseEnvelope":{}}""", "no 'publicKey', 'certificate' or 'x509CertificateChain'")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"certificate":{"rawBytes":7}},"dsseEnvelope":{}}""", "certificate has no base64 'rawBytes'")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"k"}},"messageSignature":{}}""", "messageSignature")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"k"}},"dsseEnvelope":{"payload":"e30=","payloadType":"t","signatures":[{"sig":"AA=="},{"sig":"AA=="}]}}""", "exactly one signature")]
    public void Rejects_bundles_it_cannot_use(string json, string expected)
    {
        Assert.False(SigstoreBundle.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData(SigstoreBundle.MediaTypeV01, 2)]
    [InlineData(SigstoreBundle.MediaTypeV02, 2)]
    [InlineData(SigstoreBundle.MediaTypeV03, 1)]
    public void Certificate_bundles_round_trip_with_their_chain_and_timestamps(string mediaType, int certificates)
    {
        var envelope = new Dsse.DsseEnvelope(Dsse.DsseEnvelope.InTotoPayloadType, "{}"u8.ToArray(), [new Dsse.DsseSignature(null, [1, 2, 3])]);
        var bundle = SigstoreBundle.WithCertificates(envelope, [[0x30, 1], [0x30, 2]], mediaType, [[0x30, 3]]);
        var parsed = SigstoreBundle.Parse(bundle.ToJson());
        Assert.Equal(mediaType, parsed.MediaType);
        Assert.Equal("", parsed.PublicKeyHint);
        Assert.Equal(certificates, parsed.Certificates.Count);
        Assert.Equal([0x30, 1], parsed.Certificates[0]);
        Assert.Equal([0x30, 3], Assert.Single(parsed.Rfc3161Timestamps));
    }

    [Fact]
    public void Keeps_tlog_entries_verbatim()
    {
        var json = """{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"k"},"tlogEntries":[{"logIndex":"7","kindVersion":{"kind":"dsse","version":"0.0.1"}}]},"dsseEnvelope":{"payload":"e30=","payloadType":"t","signatures":[{"sig":"AA==","keyid":"k"}]}}""";
        var bundle = SigstoreBundle.Parse(json);
        Assert.Equal("7", Assert.Single(bundle.TlogEntries).GetProperty("logIndex").GetString());
        Assert.Equal(json, bundle.ToJson());
    }
}

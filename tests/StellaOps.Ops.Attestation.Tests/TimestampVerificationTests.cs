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
/// RFC 3161 timestamps (made by `openssl ts` over the DSSE signature) as the signing time: trusted only when the
/// time-stamping authority chains to a trust anchor, and then the time key windows and certificates are judged at.
/// </summary>
public sealed class TimestampVerificationTests : IDisposable
{
    private readonly OpensslDsse _openssl = new();

    public void Dispose() => _openssl.Dispose();

    private static readonly byte[] Statement = Encoding.UTF8.GetBytes("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"artifact\",\"digest\":{\"sha256\":\""
        + new string('d', 64) + "\"}}],\"predicateType\":\"https://stellaops.example/test/v1\",\"predicate\":{}}");

    private (string Bundle, string KeyId, string Tsa) TimestampedBundle(string name, bool overOtherData = false)
    {
        var id = _openssl.KeyGen("k");
        var envelope = _openssl.Sign("k", Statement, id, name + ".env.json");
        var signature = Convert.FromBase64String((string)JsonNode.Parse(File.ReadAllText(envelope))!["signatures"]![0]!["sig"]!);
        var tsa = File.Exists(_openssl.PathOf("tsa.pem")) ? _openssl.PathOf("tsa") : _openssl.Tsa("tsa");
        var token = _openssl.Timestamp(tsa, overOtherData ? [.. signature, 0] : signature, name + ".tsr");
        return (_openssl.BundleWithHint(envelope, "v0.3", id, name, token), id, tsa);
    }

    private static TrustedCertificate Anchor(string pem) => new(X509Certificate2.CreateFromPem(File.ReadAllText(pem)), TrustedCertificateRole.Root, "tsa root");

    private AttestationVerification Verify(string bundle, params ITrustMaterial[] trust)
    {
        using var verifier = new AttestationVerifier(new CompositeTrustMaterial(trust));
        return verifier.Verify(File.ReadAllBytes(bundle), Path.GetFileName(bundle));
    }

    [Fact]
    public void A_trusted_timestamp_is_the_signing_time_and_key_windows_are_judged_at_it()
    {
        var (bundle, _, tsa) = TimestampedBundle("ts.json");
        var pem = _openssl.PublicKeyPem("k");
        var tsaRoot = new StaticTrustMaterial(certificates: [Anchor(tsa + "-root.pem")]);

        var r = Verify(bundle, new StaticTrustMaterial([TrustedKey.FromPem(pem, notAfter: DateTimeOffset.UtcNow.AddDays(1))]), tsaRoot);
        Assert.True(r.Verified, string.Join("\n", r.Checks));
        Assert.Equal(SigningTimeSource.Rfc3161Timestamp, r.SigningTimeSource);
        Assert.Contains("CN=Test TSA", r.SigningTimeDetail);
        Assert.True(Math.Abs((r.SigningTime - DateTimeOffset.UtcNow).TotalMinutes) < 10);

        // The key's window ended before the timestamp: key not trusted at signing time, judged at the timestamp.
        var late = Verify(bundle, new StaticTrustMaterial([TrustedKey.FromPem(pem, notAfter: DateTimeOffset.UtcNow.AddDays(-1))]), tsaRoot);
        Assert.Equal(OpsErrorCode.KeyNotTrustedAtSigningTime, late.Failure);
        Assert.Equal(SigningTimeSource.Rfc3161Timestamp, late.SigningTimeSource);
    }

    /// <summary>
    /// openssl ts gives genTime in whole seconds, as most authorities do: a key made a fraction of a second after that
    /// genTime (signed and timestamped in the key's first second) is valid at it; a key made a second later is not,
    /// nor one whose window ended before the genTime's second began.
    /// </summary>
    [Fact]
    public void A_whole_second_genTime_stands_for_its_whole_second_when_the_key_window_is_judged()
    {
        var (bundle, _, tsa) = TimestampedBundle("ts.json");
        var pem = _openssl.PublicKeyPem("k");
        var tsaRoot = new StaticTrustMaterial(certificates: [Anchor(tsa + "-root.pem")]);
        var genTime = Verify(bundle, new StaticTrustMaterial([TrustedKey.FromPem(pem)]), tsaRoot).SigningTime;
        Assert.Equal(0, genTime.UtcTicks % TimeSpan.TicksPerSecond);

        var sameSecond = Verify(bundle, new StaticTrustMaterial([TrustedKey.FromPem(pem, notBefore: genTime.AddMilliseconds(57))]), tsaRoot);
        Assert.True(sameSecond.Verified, string.Join("\n", sameSecond.Checks));
        Assert.Contains(sameSecond.Checks.Single(c => c.Name == VerificationNames.KeyValidAtSigningTime).Evidence, e => e.Key == "signingTimeResolution" && e.Value == "00:00:01");

        var nextSecond = Verify(bundle, new StaticTrustMaterial([TrustedKey.FromPem(pem, notBefore: genTime.AddMilliseconds(1001))]), tsaRoot);
        Assert.Equal(OpsErrorCode.KeyNotTrustedAtSigningTime, nextSecond.Failure);
        var endedBefore = Verify(bundle, new StaticTrustMaterial([TrustedKey.FromPem(pem, notAfter: genTime.AddMilliseconds(-1))]), tsaRoot);
        Assert.Equal(OpsErrorCode.KeyNotTrustedAtSigningTime, endedBefore.Failure);
    }

    /// <summary>
    /// A bundle's signedTimestamp is the TSA's whole TimeStampResp (what @sigstore/verify parses): a bare token, as rows
    /// stored before the log client kept the whole answer hold, is written wrapped as granted; a response as it is.
    /// </summary>
    [Fact]
    public void A_bundle_carries_a_whole_TimeStampResp_even_for_a_stored_bare_token()
    {
        var tsa = _openssl.Tsa("tsa");
        var response = File.ReadAllBytes(_openssl.Timestamp(tsa, [1, 2, 3], "resp.tsr"));
        var bare = AttestationVerifier.TokenOf(response).ToArray();
        Assert.True(bare.Length < response.Length);

        Assert.Equal(response, AttestationVerifier.ResponseOf(response));
        var wrapped = AttestationVerifier.ResponseOf(bare);
        Assert.Equal(bare, AttestationVerifier.TokenOf(wrapped).ToArray());
        var status = new System.Formats.Asn1.AsnReader(wrapped, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence().ReadSequence();
        Assert.True(status.TryReadInt32(out var granted) && granted == 0);

        var envelope = new Dsse.DsseEnvelope(Dsse.DsseEnvelope.InTotoPayloadType, "{}"u8.ToArray(), [new Dsse.DsseSignature(null, [1, 2, 3])]);
        var written = Sigstore.SigstoreBundle.Parse(Sigstore.SigstoreBundle.WithCertificates(envelope, [[0x30, 1]], Sigstore.SigstoreBundle.MediaTypeV03, [bare]).ToJson());
        Assert.Equal(wrapped, Assert.Single(written.Rfc3161Timestamps));
    }

    [Theory]
    [InlineData("2026-12-02T14:25:31Z", 10_000_000L)]
    [InlineData("2026-12-02T14:25:31.5Z", 1_000_000L)]
    [InlineData("2026-12-02T14:25:31.057Z", 10_000L)]
    [InlineData("2026-12-02T14:25:31.0569908Z", 0L)]
    public void A_genTime_is_known_to_its_last_fraction_digit(string genTime, long resolutionTicks)
        => Assert.Equal(TimeSpan.FromTicks(resolutionTicks), AttestationVerifier.GenTimeResolution(DateTimeOffset.Parse(genTime, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_timestamp_from_an_untrusted_authority_or_over_other_data_is_timestamp_invalid()
    {
        var (bundle, _, _) = TimestampedBundle("ts.json");
        var key = new StaticTrustMaterial([TrustedKey.FromPem(_openssl.PublicKeyPem("k"))]);
        var untrusted = Verify(bundle, key);
        Assert.Equal(OpsErrorCode.TimestampInvalid, untrusted.Failure);
        Assert.Equal(SigningTimeSource.CurrentTime, untrusted.SigningTimeSource);
        Assert.Contains("trust-anchors add --cert", untrusted.Fix);

        var (other, _, tsa) = TimestampedBundle("other.json", overOtherData: true);
        var wrongData = Verify(other, new StaticTrustMaterial([TrustedKey.FromPem(_openssl.PublicKeyPem("k"))]), new StaticTrustMaterial(certificates: [Anchor(tsa + "-root.pem")]));
        Assert.Equal(OpsErrorCode.TimestampInvalid, wrongData.Failure);
        Assert.Contains("does not cover this signature", wrongData.Message);
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Resilience;
using StellaOps.Ops.Transparency.Timestamps;

namespace StellaOps.Ops.Transparency.Tests;

/// <summary>Signed envelopes and clients for the test logs: fast retries, a breaker that opens after two failed attempts.</summary>
internal static class LogTestKit
{
    public static readonly LogResilienceOptions Fast = new()
    {
        MaxRetryAttempts = 3,
        RetryDelay = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(30),
        MinimumThroughput = 10,
        FailureRatio = 0.5,
        SamplingDuration = TimeSpan.FromSeconds(30),
        BreakDuration = TimeSpan.FromSeconds(30),
    };

    public static async Task<(DsseEnvelope Envelope, byte[] Spki, KeyAlgorithm Algorithm)> SignedAsync(string text, ECCurve? curve = null)
    {
        using var key = ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256);
        using var signer = new SoftwareDsseSigner(key);
        var payload = System.Text.Encoding.UTF8.GetBytes($"{{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{{\"name\":\"{text}\",\"digest\":{{\"sha256\":\"{Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))}\"}}}}],\"predicateType\":\"https://example.test/p\",\"predicate\":{{}}}}");
        var envelope = await DsseEnvelopeBuilder.SignAsync(DsseEnvelope.InTotoPayloadType, payload, [signer]);
        return (envelope, signer.SubjectPublicKeyInfo, signer.Algorithm);
    }

    /// <summary>
    /// Signs a statement about <paramref name="text"/>, logs it to <paramref name="server"/> and bundles the entry the
    /// log answered (with the faults the test set), plus, when <paramref name="timestamped"/>, the server's TSA's
    /// RFC 3161 answer over the signature, as the daemon exports a v2 attestation.
    /// </summary>
    public static async Task<LoggedBundle> LoggedBundleAsync(TestLogServer.TestLogServer server, HttpClient http, string text, bool timestamped = false)
    {
        var (envelope, spki, algorithm) = await SignedAsync(text);
        var entry = (await Client(server, http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default)).Entry;
        byte[][] timestamps = timestamped
            ? [await new Rfc3161Client(http, server.TsaUrl, new LogBackendResilience(server.TsaUrl.AbsoluteUri, Fast)).TimestampAsync(envelope.Signatures[0].Signature, default)]
            : [];
        using var doc = JsonDocument.Parse(entry.ToJsonBytes());
        var keyId = KeyIds.FromSpki(spki);
        var json = SigstoreBundle.FromEnvelope(envelope, keyId).WithLogEvidence([doc.RootElement], timestamps).ToJson();
        return new LoggedBundle(json, envelope, spki, PublicKeyPem.Encode(spki), keyId, entry);
    }

    public static ITransparencyLogClient Client(TestLogServer.TestLogServer server, HttpClient http, LogResilienceOptions? options = null)
    {
        var resilience = new LogBackendResilience(server.BaseUrl.AbsoluteUri, options ?? Fast);
        return server.Log.ApiVersion == 1
            ? new RekorV1Client(http, server.BaseUrl, resilience)
            : new RekorV2Client(http, server.BaseUrl, resilience);
    }
}

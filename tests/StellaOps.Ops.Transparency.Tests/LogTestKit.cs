using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Resilience;

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

    public static ITransparencyLogClient Client(TestLogServer.TestLogServer server, HttpClient http, LogResilienceOptions? options = null)
    {
        var resilience = new LogBackendResilience(server.BaseUrl.AbsoluteUri, options ?? Fast);
        return server.Log.ApiVersion == 1
            ? new RekorV1Client(http, server.BaseUrl, resilience)
            : new RekorV2Client(http, server.BaseUrl, resilience);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using StellaOps.Ops.Attestation.Merkle;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Entries;
using StellaOps.Ops.Transparency.Resilience;
using StellaOps.Ops.Transparency.Timestamps;
using StellaOps.Ops.Transparency.Verification;
using Server = StellaOps.Ops.TestLogServer.TestLogServer;

namespace StellaOps.Ops.Transparency.Tests;

/// <summary>Both clients against the spec-faithful test logs, with and without faults; every answer verified offline.</summary>
public sealed class LogClientTests : TwoTestLogs
{
    private Server ServerFor(int version) => version == 1 ? V1 : V2;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ASubmittedEnvelopeIsLoggedAndItsEntryVerifies(int version)
    {
        var server = ServerFor(version);
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync("artifact-" + version);
        for (var i = 0; i < 3; i++)
        {
            var (filler, fillerKey, fillerAlgorithm) = await LogTestKit.SignedAsync($"filler-{version}-{i}");
            await LogTestKit.Client(server, Http).SubmitAsync(new LogSubmissionRequest(filler, fillerKey, fillerAlgorithm), default);
        }
        var submission = await LogTestKit.Client(server, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default);
        Assert.False(submission.AlreadyLogged);
        Assert.True(version == 1 ? submission.Entry.IntegratedTime > 0 : submission.Entry.IntegratedTime == 0);
        if (version == 1)
        {
            Assert.NotNull(submission.Entry.SignedEntryTimestamp);
            Assert.Equal(80, submission.Uuid!.Length);
            Assert.EndsWith(Convert.ToHexStringLower(submission.Entry.LeafHash()), submission.Uuid);
        }
        else
        {
            Assert.Null(submission.Entry.SignedEntryTimestamp);
            Assert.Equal(RekorEntryBodies.HashedRekordKind, submission.Entry.Kind);
        }
        var check = LogEntryVerifier.Verify(submission.Entry, envelope, spki, [server.Trusted()], null, DateTimeOffset.UtcNow);
        Assert.True(check.Verified, check.Detail);
    }

    [Fact]
    public async Task AP384KeyIsLoggedToV2WithASha384DigestOfThePae()
    {
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync("p384", ECCurve.NamedCurves.nistP384);
        var submission = await LogTestKit.Client(V2, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default);
        Assert.Contains("SHA2_384", System.Text.Encoding.UTF8.GetString(submission.Entry.CanonicalizedBody));
        Assert.Contains("PKIX_ECDSA_P384_SHA_384", System.Text.Encoding.UTF8.GetString(submission.Entry.CanonicalizedBody));
        Assert.True(LogEntryVerifier.Verify(submission.Entry, envelope, spki, [V2.Trusted()], null, DateTimeOffset.UtcNow).Verified);
    }

    [Fact]
    public async Task SubmittingAgainToV1AnswersTheExistingEntryThrough409AndLocation()
    {
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync("twice");
        var client = LogTestKit.Client(V1, Http);
        var first = await client.SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default);
        var size = V1.Log.Size;
        var second = await client.SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default);
        Assert.True(second.AlreadyLogged);
        Assert.Equal(first.Entry.LogIndex, second.Entry.LogIndex);
        Assert.Equal(first.Uuid, second.Uuid);
        Assert.Equal(size, V1.Log.Size);
        Assert.True(LogEntryVerifier.Verify(second.Entry, envelope, spki, [V1.Trusted()], null, DateTimeOffset.UtcNow).Verified);
    }

    [Theory]
    [InlineData(1, 503)]
    [InlineData(2, 500)]
    [InlineData(1, 408)]
    [InlineData(2, 429)]
    public async Task TransientFailuresAreRetried(int version, int status)
    {
        var server = ServerFor(version);
        server.Faults.FailStatus = status;
        server.Faults.FailNext = 2;
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync($"retry-{version}-{status}");
        var submission = await LogTestKit.Client(server, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default);
        Assert.Equal(0, server.Faults.FailNext);
        Assert.True(LogEntryVerifier.Verify(submission.Entry, envelope, spki, [server.Trusted()], null, DateTimeOffset.UtcNow).Verified);
    }

    [Fact]
    public void RetryAfterIsHonouredAsTheDelayAndCapped()
    {
        using var seconds = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        seconds.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), LogBackendResilience.RetryAfter(seconds, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(1), LogBackendResilience.RetryAfter(seconds, TimeSpan.FromSeconds(1)));
        using var none = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);
        Assert.Null(LogBackendResilience.RetryAfter(none, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A429WithRetryAfterIsRetriedAfterTheServersDelay()
    {
        V1.Faults.FailStatus = 429;
        V1.Faults.RetryAfterSeconds = 1;
        V1.Faults.FailNext = 1;
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync("retry-after");
        var submission = await LogTestKit.Client(V1, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default);
        Assert.Equal(0, V1.Faults.FailNext);
        Assert.False(submission.AlreadyLogged);
    }

    [Fact]
    public async Task DroppedConnectionsAreRetried()
    {
        V2.Faults.DropNext = 2;
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync("dropped");
        var submission = await LogTestKit.Client(V2, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default);
        Assert.Equal(0, V2.Faults.DropNext);
        Assert.True(LogEntryVerifier.Verify(submission.Entry, envelope, spki, [V2.Trusted()], null, DateTimeOffset.UtcNow).Verified);
    }

    [Fact]
    public async Task ADownLogOpensTheCircuitAndAResetClosesIt()
    {
        V1.Faults.Down = true;
        var resilience = new LogBackendResilience(V1.BaseUrl.AbsoluteUri, LogTestKit.Fast with { MaxRetryAttempts = 1, MinimumThroughput = 2 });
        string? openedWhy = null;
        resilience.Opened += (_, why) => openedWhy = why;
        var client = new RekorV1Client(Http, V1.BaseUrl, resilience);
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync("down");
        var first = await Assert.ThrowsAsync<TransparencyLogException>(() => client.SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default));
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Open, resilience.State);
        Assert.Equal("HTTP 503 ServiceUnavailable", openedWhy);
        var second = await Assert.ThrowsAsync<TransparencyLogException>(() => client.SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default));
        Assert.Equal(LogFailureReason.CircuitOpen, second.Reason);
        V1.Faults.Down = false;
        await resilience.ResetAsync();
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Closed, resilience.State);
        Assert.Equal("reset by an operator", resilience.StateReason);
        Assert.False((await client.SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default)).AlreadyLogged);
        Assert.NotEqual(LogFailureReason.CircuitOpen, first.Reason);
    }

    [Theory]
    [InlineData(1, "forge", LogEntryProblem.InclusionProofInvalid)]
    [InlineData(2, "forge", LogEntryProblem.InclusionProofInvalid)]
    [InlineData(1, "wrongKey", LogEntryProblem.SignedEntryTimestampInvalid)]
    [InlineData(2, "wrongKey", LogEntryProblem.CheckpointInvalid)]
    [InlineData(1, "other", LogEntryProblem.BodyMismatch)]
    [InlineData(2, "other", LogEntryProblem.BodyMismatch)]
    public async Task ADishonestAnswerDoesNotVerify(int version, string fault, LogEntryProblem expected)
    {
        var server = ServerFor(version);
        var (filler, fillerKey, a) = await LogTestKit.SignedAsync("filler-" + fault + version);
        await LogTestKit.Client(server, Http).SubmitAsync(new LogSubmissionRequest(filler, fillerKey, a), default);
        server.Faults.ForgeProof = fault == "forge";
        server.Faults.WrongKey = fault == "wrongKey";
        server.Faults.OtherContent = fault == "other";
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync($"dishonest-{version}-{fault}");
        var submission = await LogTestKit.Client(server, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default);
        server.Faults.Clear();
        var check = LogEntryVerifier.Verify(submission.Entry, envelope, spki, [server.Trusted()], null, DateTimeOffset.UtcNow);
        Assert.False(check.Verified);
        Assert.Equal(expected, check.Problem);
    }

    [Fact]
    public async Task AWrongV1CheckpointKeyIsRejectedEvenWithAGoodSet()
    {
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync("checkpoint-only");
        var good = (await LogTestKit.Client(V1, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default)).Entry;
        V1.Faults.WrongKey = true;
        var forgedCheckpoint = V1.Log.SignedCheckpoint();
        V1.Faults.Clear();
        var entry = good with { Proof = good.Proof! with { Checkpoint = forgedCheckpoint } };
        var check = LogEntryVerifier.Verify(entry, envelope, spki, [V1.Trusted()], null, DateTimeOffset.UtcNow);
        Assert.Equal(LogEntryProblem.CheckpointInvalid, check.Problem);
    }

    [Fact]
    public async Task AnEntryOfAnUntrustedLogOrOutsideTheKeysWindowIsRejected()
    {
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync("windows");
        var entry = (await LogTestKit.Client(V1, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default)).Entry;
        Assert.Equal(LogEntryProblem.UnknownLog, LogEntryVerifier.Verify(entry, envelope, spki, [V2.Trusted()], null, DateTimeOffset.UtcNow).Problem);
        var expired = V1.Trusted(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-5));
        Assert.Equal(LogEntryProblem.LogKeyNotValid, LogEntryVerifier.Verify(entry, envelope, spki, [expired], null, DateTimeOffset.UtcNow).Problem);
        var (otherEnvelope, _, _) = await LogTestKit.SignedAsync("not this one");
        Assert.Equal(LogEntryProblem.BodyMismatch, LogEntryVerifier.Verify(entry, otherEnvelope, spki, [V1.Trusted()], null, DateTimeOffset.UtcNow).Problem);
    }

    [Fact]
    public async Task AV2EntrysLogKeyIsJudgedAtTheTimestampsTime()
    {
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync("v2-time");
        var entry = (await LogTestKit.Client(V2, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default)).Entry;
        var rotated = V2.Trusted(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-5));
        Assert.True(LogEntryVerifier.Verify(entry, envelope, spki, [rotated], DateTimeOffset.UtcNow.AddDays(-6), DateTimeOffset.UtcNow).Verified);
        Assert.Equal(LogEntryProblem.LogKeyNotValid, LogEntryVerifier.Verify(entry, envelope, spki, [rotated], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow).Problem);
    }

    [Fact]
    public async Task TheTsaTimestampsTheSignatureWithATokenThatVerifies()
    {
        var (envelope, _, _) = await LogTestKit.SignedAsync("tsa");
        var signature = envelope.Signatures[0].Signature;
        var client = new Rfc3161Client(Http, V2.TsaUrl, new LogBackendResilience(V2.TsaUrl.AbsoluteUri, LogTestKit.Fast));
        var token = await client.TimestampAsync(signature, default);
        Assert.True(Rfc3161TimestampToken.TryDecode(AttestationVerifier.TokenOf(token), out var tst, out _), "the answer is a granted TimeStampResp carrying a token");
        Assert.True(tst!.VerifySignatureForData(signature, out var signer, tst.AsSignedCms().Certificates));
        Assert.Contains("StellaOps Test TSA", signer!.Subject);
        Assert.False(tst.VerifySignatureForData(new byte[] { 1, 2, 3 }, out _, tst.AsSignedCms().Certificates));
    }

    [Fact]
    public async Task V2TilesAndEntryBundlesRebuildTheCheckpointsRoot()
    {
        for (var i = 0; i < 5; i++)
        {
            var (e, k, a) = await LogTestKit.SignedAsync("tile-" + i);
            await LogTestKit.Client(V2, Http).SubmitAsync(new LogSubmissionRequest(e, k, a), default);
        }
        var note = await Http.GetStringAsync(new Uri(V2.BaseUrl, "checkpoint"));
        Assert.True(LogEntryVerifier.VerifyCheckpoint(note, V2.Trusted(), out var checkpoint, out var error), error);
        var width = (int)checkpoint.Size;
        var tile = await Http.GetByteArrayAsync(new Uri(V2.BaseUrl, $"tile/0/000.p/{width}"));
        var bundle = await Http.GetByteArrayAsync(new Uri(V2.BaseUrl, $"tile/entries/000.p/{width}"));
        var hashes = Enumerable.Range(0, width).Select(i => tile.AsSpan(i * 32, 32).ToArray()).ToList();
        Assert.Equal(checkpoint.RootHash, MerkleTree.RootHashFromLeafHashes(hashes));
        Assert.True(Transparency.Tiles.EntryBundle.TryParse(bundle, out var bodies, out var bundleError), bundleError);
        Assert.Equal(hashes, bodies.Select(b => MerkleTree.LeafHash(b)).ToList());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(V2.BaseUrl, $"tile/0/000.p/{width + 1}"))).StatusCode);
        Assert.Equal("x001/x234/067", Transparency.Tiles.TileAddress.Format(1234067));
        Assert.True(Transparency.Tiles.TileAddress.TryParse("1/x001/x234/067.p/8", hasLevel: true, out var level, out var n, out var w));
        Assert.Equal((1, 1234067L, 8), (level, n, w));
    }

    [Fact]
    public void TheSetPayloadIsCanonicalJson()
    {
        var payload = SignedEntryTimestamp.Payload([1, 2, 3], 1700000000, [0xab, 0xcd], 42);
        Assert.Equal("{\"body\":\"AQID\",\"integratedTime\":1700000000,\"logID\":\"abcd\",\"logIndex\":42}", System.Text.Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task AV1ConsistencyProofFromTheLogVerifies()
    {
        var (e1, k1, a1) = await LogTestKit.SignedAsync("consistency-1");
        await LogTestKit.Client(V1, Http).SubmitAsync(new LogSubmissionRequest(e1, k1, a1), default);
        var (size1Root, size1) = V1.Log.Head();
        for (var i = 0; i < 3; i++)
        {
            var (e, k, a) = await LogTestKit.SignedAsync("consistency-more-" + i);
            await LogTestKit.Client(V1, Http).SubmitAsync(new LogSubmissionRequest(e, k, a), default);
        }
        var (root2, size2) = V1.Log.Head();
        using var doc = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync(new Uri(V1.BaseUrl, $"api/v1/log/proof?firstSize={size1}&lastSize={size2}")));
        var hashes = doc.RootElement.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()!).ToList();
        Assert.True(MerkleTree.VerifyConsistency(size1, size2, Convert.ToHexStringLower(size1Root), doc.RootElement.GetProperty("rootHash").GetString()!, hashes));
        Assert.Equal(root2, Convert.FromHexString(doc.RootElement.GetProperty("rootHash").GetString()!));
    }
}

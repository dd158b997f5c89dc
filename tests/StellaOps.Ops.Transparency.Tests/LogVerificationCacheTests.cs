using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Verification;

namespace StellaOps.Ops.Transparency.Tests;

/// <summary>
/// A drain verifies with one <see cref="LogVerificationCache"/>: what it remembers (a checkpoint verified under a
/// log's key, the imported key) never lets through what the same checks without it would reject.
/// </summary>
public sealed class LogVerificationCacheTests : TwoTestLogs
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task EntriesVerifyWithTheCacheAsWithoutIt(int version)
    {
        var server = version == 1 ? V1 : V2;
        var cache = new LogVerificationCache();
        for (var i = 0; i < 3; i++)
        {
            var (envelope, spki, algorithm) = await LogTestKit.SignedAsync($"cached-{version}-{i}");
            var entry = (await LogTestKit.Client(server, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default)).Entry;
            // Twice with the cache: the second answer comes from what the first remembered.
            Assert.True(LogEntryVerifier.Verify(entry, envelope, spki, [server.Trusted()], null, DateTimeOffset.UtcNow, cache).Verified);
            Assert.True(LogEntryVerifier.Verify(entry, envelope, spki, [server.Trusted()], null, DateTimeOffset.UtcNow, cache).Verified);
            Assert.True(LogEntryVerifier.Verify(entry, envelope, spki, [server.Trusted()], null, DateTimeOffset.UtcNow).Verified);
        }
    }

    [Fact]
    public async Task ACheckpointVerifiedUnderOneKeyIsNotTakenUnderAnother()
    {
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync("cached-other-key");
        var entry = (await LogTestKit.Client(V2, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default)).Entry;
        var cache = new LogVerificationCache();
        Assert.True(LogEntryVerifier.VerifyCheckpoint(entry.Proof!.Checkpoint, V2.Trusted(), cache, out _, out var error), error);
        // The same log URL, but the trusted root now names another key: the remembered checkpoint does not count.
        var rotated = V2.Trusted() with { PublicKeySpki = V1.Log.Spki, LogId = V1.Log.LogId };
        Assert.False(LogEntryVerifier.VerifyCheckpoint(entry.Proof.Checkpoint, rotated, cache, out _, out _));
        Assert.False(LogEntryVerifier.Verify(entry with { LogId = V1.Log.LogId }, envelope, spki, [rotated], null, DateTimeOffset.UtcNow, cache).Verified);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task AnAlteredCheckpointOrProofIsRejectedAfterTheGoodOneWasRemembered(int version)
    {
        var server = version == 1 ? V1 : V2;
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync($"cached-altered-{version}");
        var good = (await LogTestKit.Client(server, Http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default)).Entry;
        var cache = new LogVerificationCache();
        Assert.True(LogEntryVerifier.Verify(good, envelope, spki, [server.Trusted()], null, DateTimeOffset.UtcNow, cache).Verified);

        var note = good.Proof!.Checkpoint;
        var signatureStart = note.LastIndexOf("\n\n", StringComparison.Ordinal) + 2;
        var altered = note[..(signatureStart - 3)] + (note[signatureStart - 3] == 'A' ? 'B' : 'A') + note[(signatureStart - 2)..];
        var tampered = good with { Proof = good.Proof with { Checkpoint = altered } };
        var check = LogEntryVerifier.Verify(tampered, envelope, spki, [server.Trusted()], null, DateTimeOffset.UtcNow, cache);
        Assert.False(check.Verified);
        Assert.Equal(LogEntryProblem.CheckpointInvalid, check.Problem);

        var hashes = good.Proof.Hashes.Select(h => (byte[])h.Clone()).ToList();
        if (hashes.Count > 0) hashes[0][0] ^= 0xff;
        var forged = good with { Proof = good.Proof with { Hashes = hashes, RootHash = hashes.Count > 0 ? good.Proof.RootHash : [.. good.Proof.RootHash.Select(b => (byte)~b)] } };
        check = LogEntryVerifier.Verify(forged, envelope, spki, [server.Trusted()], null, DateTimeOffset.UtcNow, cache);
        Assert.False(check.Verified);
        Assert.Equal(LogEntryProblem.InclusionProofInvalid, check.Problem);
    }
}

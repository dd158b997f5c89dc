using StellaOps.Ops.Attestation.Merkle;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Entries;
using StellaOps.Ops.Transparency.Tail;
using Server = StellaOps.Ops.TestLogServer.TestLogServer;

namespace StellaOps.Ops.Transparency.Tests;

/// <summary>
/// LogTail against the spec-faithful test logs: v1 by index ranges, v2 from entry tiles and hash tiles across tile
/// boundaries (more than 256 entries, so level-1 tiles and partial tiles are read); consistency with a checkpoint
/// verified before; a forked tree and a checkpoint signed by a wrong key refused.
/// </summary>
public sealed class LogTailTests : TwoTestLogs
{
    private static async Task<List<byte[]>> FillAsync(Server server, int n)
    {
        var bodies = new List<byte[]>();
        for (var i = 0; i < n; i++)
        {
            var (envelope, spki, algorithm) = await LogTestKit.SignedAsync($"tail-{server.Log.ApiVersion}-{i}");
            var body = server.Log.ApiVersion == 1 ? RekorEntryBodies.DsseV001(envelope, spki) : RekorEntryBodies.HashedRekordV002(envelope, spki, algorithm);
            server.Log.Append(body);
            bodies.Add(body);
        }
        return bodies;
    }

    [Theory]
    [InlineData(1, 23, 5, 12)]
    [InlineData(2, 600, 250, 300)]
    public async Task A_range_is_read_each_entry_proved_in_the_verified_head_consistent_with_an_earlier_tree(int version, int total, int earlier, int start)
    {
        var server = version == 1 ? V1 : V2;
        var bodies = await FillAsync(server, earlier);
        var (root1, size1) = server.Log.Head();
        bodies.AddRange(await FillAsync(server, total - earlier));
        var client = LogTestKit.Client(server, Http);

        var result = await LogTail.ReadAsync(client, [server.Trusted()], [new VerifiedTree(size1, root1, "the tree verified before")], start, 100, DateTimeOffset.UtcNow, default);

        Assert.Equal(total, result.Head.Size);
        Assert.Equal(server.Log.Head().Root, result.Head.RootHash);
        Assert.Equal(size1, result.ConsistentWithSize);
        Assert.Equal((long)start, result.From);
        Assert.Equal(Math.Min(total, start + 100L), result.To);
        Assert.Equal(bodies[start..(int)result.To], result.Entries.Select(e => e.Entry.CanonicalizedBody).ToList());
        Assert.All(result.Entries, e => Assert.Equal(server.Log.LogId, e.Entry.LogId));
    }

    [Fact]
    public async Task V2_tiles_give_the_same_consistency_proof_as_the_tree_itself()
    {
        await FillAsync(V2, 520);
        var client = LogTestKit.Client(V2, Http);
        foreach (var size1 in new long[] { 1, 7, 256, 257, 511, 519 })
        {
            var proof = await client.GetConsistencyProofAsync(size1, 520, default);
            Assert.Equal(V2.Log.Consistency(size1, 520), proof);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_forked_tree_is_refused_as_inconsistent_though_its_checkpoint_is_signed_by_the_log(int version)
    {
        var server = version == 1 ? V1 : V2;
        await FillAsync(server, 6);
        var (root1, size1) = server.Log.Head();
        await FillAsync(server, 3);
        server.Log.Fork();
        var client = LogTestKit.Client(server, Http);

        var e = await Assert.ThrowsAsync<TransparencyLogException>(() => LogTail.ReadAsync(client, [server.Trusted()], [new VerifiedTree(size1, root1, "the tree verified before")], 0, 100, DateTimeOffset.UtcNow, default));
        Assert.Equal(LogFailureReason.Inconsistent, e.Reason);
        Assert.Contains("not an append-only extension", e.Message, StringComparison.Ordinal);

        // The same fork at the same size: equal sizes, other roots.
        var (forkedRoot, forkedSize) = server.Log.Head();
        Assert.NotEqual(root1, forkedRoot);
        var again = await Assert.ThrowsAsync<TransparencyLogException>(() => LogTail.ReadAsync(client, [server.Trusted()], [new VerifiedTree(forkedSize, MerkleTree.RootHash([]), "the tree verified before")], 0, 1, DateTimeOffset.UtcNow, default));
        Assert.Equal(LogFailureReason.Inconsistent, again.Reason);
    }

    /// <summary>
    /// A caller that verified two trees (its own last entry's, and a later one a search verified) holds the head to
    /// both: a log that rewrote an entry between them is consistent with the older and refused by the newer, named;
    /// a tree of another log (another key at the same URL) is not held against this one; the start may depend on the
    /// log that signed the head.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Every_tree_verified_before_is_held_to_the_head_and_only_by_its_own_log(int version)
    {
        var server = version == 1 ? V1 : V2;
        await FillAsync(server, 2);
        var (rootOld, sizeOld) = server.Log.Head();
        await FillAsync(server, 3);
        var (rootNew, sizeNew) = server.Log.Head();
        await FillAsync(server, 1);
        var client = LogTestKit.Client(server, Http);
        VerifiedTree Old(byte[]? logId = null) => new(sizeOld, rootOld, "the tree of the entry logged last", logId);
        VerifiedTree New(byte[]? logId = null) => new(sizeNew, rootNew, "the checkpoint the last search verified", logId);

        var read = await LogTail.ReadAsync(client, [server.Trusted()], [New(server.Log.LogId), Old()], (log, head) => head.Size - 1, 10, DateTimeOffset.UtcNow, default);
        Assert.Equal((sizeNew, 5L, 6L), ((long)read.ConsistentWithSize!, read.From, read.To));
        Assert.True(LogEntryVerifierNote(read.HeadNote, server), "the head's signed note is answered as served");

        server.Log.Fork(3);
        Assert.Equal(sizeOld, (await LogTail.ReadAsync(client, [server.Trusted()], [Old()], 0, 1, DateTimeOffset.UtcNow, default)).ConsistentWithSize);
        var e = await Assert.ThrowsAsync<TransparencyLogException>(() => LogTail.ReadAsync(client, [server.Trusted()], [Old(), New()], 0, 1, DateTimeOffset.UtcNow, default));
        Assert.Equal(LogFailureReason.Inconsistent, e.Reason);
        Assert.Contains("the checkpoint the last search verified", e.Message, StringComparison.Ordinal);

        // The same tree recorded for another log (key) is not this log's history.
        var other = await LogTail.ReadAsync(client, [server.Trusted()], [Old(), New(new byte[32])], 0, 1, DateTimeOffset.UtcNow, default);
        Assert.Equal(sizeOld, other.ConsistentWithSize);
    }

    private static bool LogEntryVerifierNote(string note, Server server)
        => StellaOps.Ops.Transparency.Verification.LogEntryVerifier.VerifyCheckpoint(note, server.Trusted(), out var checkpoint, out _) && checkpoint.Size == server.Log.Size;

    [Fact]
    public async Task A_shrunk_tree_is_inconsistent_and_a_checkpoint_signed_by_a_wrong_key_does_not_verify()
    {
        await FillAsync(V1, 4);
        var client = LogTestKit.Client(V1, Http);
        var (root, size) = V1.Log.Head();
        var shrunk = await Assert.ThrowsAsync<TransparencyLogException>(() => LogTail.ReadAsync(client, [V1.Trusted()], [new VerifiedTree(size + 5, root, "the tree verified before")], 0, 10, DateTimeOffset.UtcNow, default));
        Assert.Equal(LogFailureReason.Inconsistent, shrunk.Reason);

        V1.Faults.WrongKey = true;
        var wrong = await Assert.ThrowsAsync<TransparencyLogException>(() => LogTail.ReadAsync(client, [V1.Trusted()], [new VerifiedTree(size, root, "the tree verified before")], 0, 10, DateTimeOffset.UtcNow, default));
        Assert.Equal(LogFailureReason.VerificationFailed, wrong.Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_head_is_verified_only_with_a_key_valid_now_not_one_whose_window_ended(int version)
    {
        var server = version == 1 ? V1 : V2;
        await FillAsync(server, 3);
        var client = LogTestKit.Client(server, Http);
        var now = DateTimeOffset.UtcNow;
        var ended = server.Trusted(now.AddDays(-30), now.AddDays(-1));

        // The log's own key, but the trusted root says the log stopped signing with it yesterday: its head is refused.
        var e = await Assert.ThrowsAsync<TransparencyLogException>(() => LogTail.ReadAsync(client, [ended], [], 0, 10, now, default));
        Assert.Equal(LogFailureReason.VerificationFailed, e.Reason);
        Assert.Contains("not valid now", e.Message);
        Assert.Contains("stella trust sync", e.Message);

        // Not begun yet (a planned rotation) is refused as well.
        var planned = server.Trusted(now.AddDays(1));
        Assert.Equal(LogFailureReason.VerificationFailed,
            (await Assert.ThrowsAsync<TransparencyLogException>(() => LogTail.ReadAsync(client, [planned], [], 0, 10, now, default))).Reason);

        // The same key with a window that holds now verifies the head, whatever else is listed for the log.
        var read = await LogTail.ReadAsync(client, [ended, server.Trusted(now.AddDays(-1))], [], 0, 10, now, default);
        Assert.Equal(server.Log.Size, read.Head.Size);
    }

    [Fact]
    public async Task A_forged_inclusion_proof_of_a_v1_entry_is_refused()
    {
        await FillAsync(V1, 5);
        V1.Faults.ForgeProof = true;
        var e = await Assert.ThrowsAsync<TransparencyLogException>(() => LogTail.ReadAsync(LogTestKit.Client(V1, Http), [V1.Trusted()], [], 0, 10, DateTimeOffset.UtcNow, default));
        Assert.Equal(LogFailureReason.VerificationFailed, e.Reason);
    }
}

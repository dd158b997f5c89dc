using Microsoft.Extensions.Logging.Abstractions;
using StellaOps.Ops.Daemon.Storage;
using StellaOps.Ops.Daemon.Transparency;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The checkpoints log searches keep (migration 10): only a larger one is added (a size already kept keeps the time
/// it was first verified), the newest <see cref="TransparencyStore.KeptSearchCheckpoints"/> per backend and log stay,
/// the newest is the consistency anchor, and a window's start finds the largest verified no later than it.
/// </summary>
public sealed class SearchCheckpointStoreTests : IDisposable
{
    private const string Backend = "http://127.0.0.1:1/";
    private readonly string _dir = Directory.CreateTempSubdirectory("stellaops-checkpoints-").FullName;
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static SearchCheckpoint At(byte[] logId, long size, int minutes)
        => new(Backend, logId, "test - 1", size, [.. Enumerable.Repeat((byte)size, 32)], $"test - 1\n{size}\nroot\n\n— test sig\n", T0.AddMinutes(minutes));

    [Fact]
    public void Larger_checkpoints_are_kept_the_newest_sixty_four_per_log_and_a_window_finds_the_largest_verified_before_it()
    {
        using var state = new StateStore(Path.Combine(_dir, "state.db"), NullLogger<StateStore>.Instance);
        state.Initialize();
        var store = new TransparencyStore(state);
        byte[] log = [1, 2, 3], rotated = [9, 9, 9];

        for (var i = 1; i <= 70; i++) store.KeepSearchCheckpoint(At(log, i, i));
        // A size already kept, or a smaller one, changes nothing; another log of the same backend is its own.
        store.KeepSearchCheckpoint(At(log, 70, 500));
        store.KeepSearchCheckpoint(At(log, 3, 600));
        store.KeepSearchCheckpoint(At(rotated, 5, 1));

        var newest = store.SearchCheckpointOf(Backend, log)!;
        Assert.Equal((70L, T0.AddMinutes(70)), (newest.Size, newest.VerifiedAt));
        Assert.StartsWith("test - 1\n70\n", newest.Note, StringComparison.Ordinal);
        Assert.Equal(31L, store.SearchCheckpointOf(Backend, log, T0.AddMinutes(31.5))!.Size);
        // Sizes 1 to 6 were let go: a window that early finds no mark (and reads from the log's first entry).
        Assert.Null(store.SearchCheckpointOf(Backend, log, T0.AddMinutes(6.5)));
        Assert.Equal(7L, store.SearchCheckpointOf(Backend, log, T0.AddMinutes(7))!.Size);
        Assert.Equal(5L, store.SearchCheckpointOf(Backend, rotated)!.Size);

        var anchors = store.VerifiedTrees(Backend);
        Assert.Equal([5L, 70L], anchors.Select(a => a.Size).Order());
        Assert.All(anchors, a => Assert.Contains("the checkpoint a search verified", a.What, StringComparison.Ordinal));
        Assert.Equal(rotated, anchors.Single(a => a.Size == 5).LogId);

        using var c = state.Open();
        using var count = c.CreateCommand();
        count.CommandText = "SELECT count(*) FROM tlog_checkpoints WHERE log_id = $log;";
        count.Parameters.AddWithValue("$log", log);
        Assert.Equal((long)TransparencyStore.KeptSearchCheckpoints, (long)count.ExecuteScalar()!);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

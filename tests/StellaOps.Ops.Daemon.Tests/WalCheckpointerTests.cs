using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The WAL is folded back into the database by the store's checkpoint thread, not inside the commits of the gate's
/// holder (whose own automatic checkpoint is only a backstop at 8,000 pages); at shutdown the thread stops and the WAL
/// is truncated.
/// </summary>
public sealed class WalCheckpointerTests : IDisposable
{
    private const int Transactions = 100, BlobBytes = 64 * 1024;

    private readonly string _dir = Directory.CreateTempSubdirectory("stellaops-wal-").FullName;

    private string Database => Path.Combine(_dir, "state.db");

    private static void WriteBlobs(StateStore store)
    {
        store.InTransaction((c, tx) => Exec(c, tx, "CREATE TABLE wal_test(b BLOB NOT NULL);"));
        for (var i = 0; i < Transactions; i++)
        {
            store.InTransaction((c, tx) =>
            {
                using var insert = c.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO wal_test VALUES ($b);";
                insert.Parameters.AddWithValue("$b", System.Security.Cryptography.RandomNumberGenerator.GetBytes(BlobBytes));
                return insert.ExecuteNonQuery();
            });
        }
    }

    [Fact]
    public void Committed_pages_reach_the_database_file_with_no_checkpoint_in_any_commit()
    {
        using var store = new StateStore(Database, NullLogger<StateStore>.Instance);
        store.Initialize();
        Assert.True(store.CheckpointerRunning);

        // 6.4 MB in 100 commits: about 1,700 pages, under the writer's backstop, so no commit folds the WAL back itself.
        // The pages reach the database file only through the checkpoint thread; wait for it (no time is asserted).
        WriteBlobs(store);
        var waited = Stopwatch.StartNew();
        while (new FileInfo(Database).Length < Transactions * BlobBytes && waited.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(50);

        Assert.True(new FileInfo(Database).Length >= Transactions * BlobBytes,
            $"the database file holds {new FileInfo(Database).Length} bytes after {waited.Elapsed}; {Transactions * BlobBytes} were committed");
        using var c = store.Open();
        using var count = c.CreateCommand();
        count.CommandText = "SELECT count(*), sum(length(b)) FROM wal_test;";
        using var r = count.ExecuteReader();
        r.Read();
        Assert.Equal(Transactions, r.GetInt64(0));
        Assert.Equal((long)Transactions * BlobBytes, r.GetInt64(1));
    }

    [Fact]
    public void Shutdown_stops_the_thread_and_truncates_the_wal_and_a_later_write_still_commits()
    {
        var store = new StateStore(Database, NullLogger<StateStore>.Instance);
        store.Initialize();
        WriteBlobs(store);

        store.Checkpoint();

        Assert.False(store.CheckpointerRunning);
        Assert.Equal(0, new FileInfo(Database + "-wal").Length);
        // A write after the stop (nothing should, but it must not fail) commits on the writer's own checkpointing.
        store.InTransaction((c, tx) => Exec(c, tx, "DELETE FROM wal_test;"));
        store.Dispose();
        SqliteConnection.ClearAllPools();
        using var reopened = new StateStore(Database, NullLogger<StateStore>.Instance);
        reopened.Initialize();
        using var c = reopened.Open();
        using var count = c.CreateCommand();
        count.CommandText = "SELECT count(*) FROM wal_test;";
        Assert.Equal(0L, (long)count.ExecuteScalar()!);
    }

    private static int Exec(SqliteConnection c, SqliteTransaction tx, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

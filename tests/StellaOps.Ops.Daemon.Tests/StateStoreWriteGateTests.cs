using Microsoft.Extensions.Logging.Abstractions;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The store's write transactions take turns in the process (a gate) before SQLite's own lock: writers from many
/// threads all commit, none is lost or refused, and none sees another's transaction half done.
/// </summary>
public sealed class StateStoreWriteGateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stellaops-gate-").FullName;

    [Fact]
    public async Task Writers_on_many_threads_all_commit_one_at_a_time()
    {
        using var store = new StateStore(Path.Combine(_dir, "state.db"), NullLogger<StateStore>.Instance);
        store.Initialize();
        store.InTransaction((c, tx) => Exec(c, tx, "CREATE TABLE gate_test(n INTEGER NOT NULL); INSERT INTO gate_test VALUES (0);"));

        var inside = 0;
        var overlapped = false;
        const int writers = 8, each = 25;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < each; i++)
            {
                store.InTransaction((c, tx) =>
                {
                    if (Interlocked.Increment(ref inside) > 1) overlapped = true;
                    // Read, then write what was read plus one: a lost update would show in the total.
                    using var read = c.CreateCommand();
                    read.Transaction = tx;
                    read.CommandText = "SELECT n FROM gate_test;";
                    var n = (long)read.ExecuteScalar()!;
                    Thread.Yield();
                    Exec(c, tx, $"UPDATE gate_test SET n = {n + 1};");
                    Interlocked.Decrement(ref inside);
                    return 0;
                });
            }
        })));

        Assert.False(overlapped);
        using var connection = store.Open();
        using var total = connection.CreateCommand();
        total.CommandText = "SELECT n FROM gate_test;";
        Assert.Equal((long)(writers * each), (long)total.ExecuteScalar()!);
    }

    [Fact]
    public void The_kept_writer_connection_rolls_back_a_failed_write_and_sees_what_other_connections_committed()
    {
        using var store = new StateStore(Path.Combine(_dir, "state.db"), NullLogger<StateStore>.Instance);
        store.Initialize();
        store.InTransaction((c, tx) => Exec(c, tx, "CREATE TABLE kept_test(n INTEGER NOT NULL); INSERT INTO kept_test VALUES (1);"));

        // A write that fails half way leaves nothing, and the next write goes through.
        Assert.Throws<InvalidOperationException>(() => store.InTransaction<int>((c, tx) =>
        {
            Exec(c, tx, "INSERT INTO kept_test VALUES (2);");
            throw new InvalidOperationException("the work failed");
        }));
        store.InTransaction((c, tx) => Exec(c, tx, "INSERT INTO kept_test VALUES (3);"));

        // A change committed on another connection (another process, or a writer that did not get the gate) is what
        // the kept connection reads and changes next, not what its cache held.
        using (var other = store.Open())
        using (var cmd = other.CreateCommand())
        {
            cmd.CommandText = "UPDATE kept_test SET n = n * 10;";
            cmd.ExecuteNonQuery();
        }
        var seen = store.InTransaction((c, tx) =>
        {
            Exec(c, tx, "INSERT INTO kept_test SELECT sum(n) FROM kept_test;");
            using var read = c.CreateCommand();
            read.Transaction = tx;
            read.CommandText = "SELECT group_concat(n, ',') FROM (SELECT n FROM kept_test ORDER BY rowid);";
            return (string)read.ExecuteScalar()!;
        });
        Assert.Equal("10,30,40", seen);
    }

    private static int Exec(Microsoft.Data.Sqlite.SqliteConnection c, Microsoft.Data.Sqlite.SqliteTransaction tx, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

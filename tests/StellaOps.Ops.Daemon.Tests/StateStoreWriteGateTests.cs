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

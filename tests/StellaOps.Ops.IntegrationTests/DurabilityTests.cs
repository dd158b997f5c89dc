using Microsoft.Data.Sqlite;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>Crashes and stops: what a committed change looks like after kill -9, SIGTERM, and a newer schema.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Kill_9_during_writes_leaves_a_database_that_opens_and_holds_every_acknowledged_change()
    {
        await using var daemon = await DaemonProcess.StartNewAsync();
        const int writers = 4;
        var acknowledged = new int[writers];
        var names = new[] { "keys.alerts.expiring_days", "keys.alerts.expiring_days_critical", "keys.rotation.overlap_days", "ipc.max_connections" };
        using var stop = new CancellationTokenSource();
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            await using var client = await daemon.ConnectAsync();
            for (var i = 1; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await client.Config.SetAsync(names[w], (100 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
                    acknowledged[w] = i;
                }
                catch (Exception)
                {
                    return; // the daemon died under us: expected
                }
            }
        })).ToArray();

        // Let a few hundred writes through, then pull the plug mid-stream.
        while (acknowledged.Sum() < 200) await Task.Delay(10);
        daemon.Kill();
        stop.Cancel();
        await Task.WhenAll(tasks);

        // The database opens (WAL replays) and passes SQLite's integrity check.
        using (var db = new SqliteConnection($"Data Source={daemon.DatabasePath}"))
        {
            db.Open();
            using var check = db.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar());
        }
        SqliteConnection.ClearAllPools();

        await daemon.StartAsync();
        await using var after = await daemon.ConnectAsync();
        for (var w = 0; w < writers; w++)
        {
            var value = int.Parse((await after.Config.GetAsync(names[w], CancellationToken.None)).Single().Value, System.Globalization.CultureInfo.InvariantCulture) - 100;
            // Every acknowledged write is there; at most the one in flight at the kill may also have committed.
            Assert.InRange(value, acknowledged[w], acknowledged[w] + 1);
        }
        // Every acknowledged change has its audit record (written before the answer).
        var audit = await after.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = "config.SetAsync", Max = 10_000 }, CancellationToken.None);
        Assert.True(audit.Count(e => e.Message.Contains("succeeded", StringComparison.Ordinal)) >= acknowledged.Sum());
    }

    [Fact]
    public async Task Kill_9_during_Set_StellaConfig_never_leaves_a_value_in_effect_without_its_audit_record()
    {
        // The change and its audit record commit in one transaction: whichever moment the kill lands, a value in
        // effect after restart (acknowledged or not) has its record. Driven a dozen times, at a random moment each.
        await using var daemon = await DaemonProcess.StartNewAsync();
        var names = new[] { "keys.alerts.expiring_days", "keys.rotation.overlap_days" };
        var next = new int[names.Length]; // values are unique over the whole test, so a record can only be this change's
        var violations = new List<string>();
        var inEffect = 0;
        for (var round = 0; round < 12; round++)
        {
            var acknowledged = 0;
            using var stop = new CancellationTokenSource();
            var writers = names.Select((name, w) => Task.Run(async () =>
            {
                await using var client = await daemon.ConnectAsync();
                while (!stop.IsCancellationRequested)
                {
                    var value = Interlocked.Increment(ref next[w]).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    try { await client.Config.SetAsync(name, value, CancellationToken.None); }
                    catch (Exception) { return; } // the daemon died under us: expected
                    Interlocked.Increment(ref acknowledged);
                }
            })).ToArray();
            var killAfter = 5 + Random.Shared.Next(60);
            while (Volatile.Read(ref acknowledged) < killAfter) await Task.Delay(1);
            daemon.Kill();
            stop.Cancel();
            await Task.WhenAll(writers);
            SqliteConnection.ClearAllPools();

            await daemon.StartAsync();
            await using var after = await daemon.ConnectAsync();
            foreach (var name in names)
            {
                var setting = (await after.Config.GetAsync(name, CancellationToken.None)).Single();
                if (setting.Source != SettingSource.Runtime) continue;
                inEffect++;
                var records = await after.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = $"name=\"{name}\", value=\"{setting.Value}\"" }, CancellationToken.None);
                if (!records.Any(e => e.Message.Contains("config.SetAsync", StringComparison.Ordinal) && e.Message.Contains("succeeded", StringComparison.Ordinal)))
                    violations.Add($"round {round}: {name} = {setting.Value} is in effect with no audit record");
            }
        }
        Assert.True(inEffect >= 12, $"the kills should leave runtime values to check ({inEffect})");
        Assert.Empty(violations);
    }

    [Fact]
    public async Task Sigterm_cancels_in_flight_requests_closes_the_database_and_removes_the_socket()
    {
        await using var daemon = await DaemonProcess.StartNewAsync();
        await using var client = await daemon.ConnectAsync();
        var longCall = client.System.WaitAsync(Duration.Parse("5m"), null, CancellationToken.None);
        await Task.Delay(200);
        DaemonProcess.Signal(daemon.ProcessId, 15);
        var exit = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, exit);
        await Assert.ThrowsAnyAsync<Exception>(() => longCall);
        Assert.False(File.Exists(daemon.Endpoint), "the socket file should be removed at shutdown");
        // A clean stop checkpoints the WAL into the database.
        var wal = daemon.DatabasePath + "-wal";
        Assert.True(!File.Exists(wal) || new FileInfo(wal).Length == 0, "the WAL should be checkpointed at a clean stop");
    }

    [Fact]
    public async Task A_database_from_a_newer_release_is_refused_with_a_clear_message()
    {
        await using var daemon = await DaemonProcess.StartNewAsync();
        Assert.Equal(0, await daemon.StopAsync());
        using (var db = new SqliteConnection($"Data Source={daemon.DatabasePath};Pooling=False"))
        {
            db.Open();
            using var bump = db.CreateCommand();
            bump.CommandText = "PRAGMA user_version = 999;";
            bump.ExecuteNonQuery();
        }
        daemon.StartProcess();
        var exit = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, exit);
        Assert.Contains("schema version 999", daemon.Output);
        Assert.Contains("newer release", daemon.Output);
    }

    [Fact]
    public async Task A_second_daemon_on_the_same_endpoint_refuses_to_start()
    {
        await using var first = await DaemonProcess.StartNewAsync();
        var second = new DaemonProcess(settings: new Dictionary<string, string> { ["Ipc:Endpoint"] = first.Endpoint });
        await using (second)
        {
            second.StartProcess();
            var exit = await second.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.NotEqual(0, exit);
            Assert.Contains("already serving", second.Output);
        }
        await using var client = await first.ConnectAsync();
        Assert.Equal(first.ProcessId, (await client.System.GetStatusAsync(CancellationToken.None)).ProcessId);
    }
}

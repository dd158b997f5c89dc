using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using Xunit.Abstractions;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// Connection exhaustion and the records it leaves, attacked by real second users on the real socket: readers and
/// strangers fill only their share and never lock an operator out, connections that stall or idle are closed, and
/// a flood of refusals costs a few rows per interval, not one each.
/// </summary>
public sealed partial class ConnectionLimitTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Readers_fill_only_their_share_and_operators_always_get_in()
    {
        var (daemon, probe) = await MultiUserDaemon.StartAsync(new Dictionary<string, string>
        {
            ["Ipc:MaxConnections"] = "16",
            ["Ipc:ReservedOperatorConnections"] = "4",
            ["Ipc:MaxConnectionsPerUser"] = "100",
        });
        await using var _ = daemon;
        using var reader = ProbeProcess.Start(UnixAccounts.Reader, probe.Dll, daemon.Endpoint, "hold", "24", "handshake", "120");
        var ready = await reader.NextAsync(TimeSpan.FromSeconds(90));
        output.WriteLine(ready.ToString());
        Assert.Equal(24, ready.GetProperty("served").GetInt32() + ready.GetProperty("refused").GetInt32());
        Assert.InRange(ready.GetProperty("served").GetInt32(), 1, 12);
        Assert.Contains("kept for operators", ready.GetProperty("refusal").GetString());
        Assert.Contains("LimitExceeded", ready.GetProperty("refusal").GetString());

        // The reader holds 12 of 16: root (three sessions) and a member of the operators group still get in.
        var clients = new List<OpsClient>();
        try
        {
            for (var i = 0; i < 3; i++) clients.Add(await daemon.ConnectAsync());
            foreach (var c in clients) Assert.Equal(daemon.ProcessId, (await c.System.GetStatusAsync(None)).ProcessId);
            var op = await ProbeProcess.RunAsync(UnixAccounts.Operator, probe.Dll, daemon.Endpoint, "handshake");
            Assert.True(op[0].GetProperty("ok").GetBoolean(), op[0].ToString());
            Assert.Equal("Operator", op[0].GetProperty("role").GetString());
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task One_user_holds_at_most_its_per_user_share_and_is_told_so()
    {
        var (daemon, probe) = await MultiUserDaemon.StartAsync(new Dictionary<string, string>
        {
            ["Ipc:MaxConnections"] = "64",
            ["Ipc:MaxConnectionsPerUser"] = "5",
        });
        await using var _ = daemon;
        using var reader = ProbeProcess.Start(UnixAccounts.Reader, probe.Dll, daemon.Endpoint, "hold", "64", "handshake", "120");
        var ready = await reader.NextAsync(TimeSpan.FromSeconds(90));
        output.WriteLine(ready.ToString());
        Assert.Equal(5, ready.GetProperty("served").GetInt32());
        Assert.Equal(59, ready.GetProperty("refused").GetInt32());
        var refusal = ready.GetProperty("refusal").GetString()!;
        Assert.Contains($"User '{UnixAccounts.Reader}' already has 5 connections", refusal);
        Assert.Contains("ipc.max_connections_per_user", refusal);

        await using var admin = await daemon.ConnectAsync();
        Assert.Equal(daemon.ProcessId, (await admin.System.GetStatusAsync(None)).ProcessId);
        var op = await ProbeProcess.RunAsync(UnixAccounts.Operator, probe.Dll, daemon.Endpoint, "handshake");
        Assert.True(op[0].GetProperty("ok").GetBoolean(), op[0].ToString());
    }

    [Fact]
    public async Task Silent_half_sent_trickling_and_idle_connections_are_closed_but_a_busy_one_is_not()
    {
        var (daemon, probe) = await MultiUserDaemon.StartAsync(new Dictionary<string, string>
        {
            ["Ipc:FirstRequestTimeout"] = "2s",
            ["Ipc:FrameTimeout"] = "2s",
            ["Ipc:IdleTimeout"] = "3s",
            ["Ipc:MaxConnectionsPerUser"] = "100",
        });
        await using var _ = daemon;
        var modes = new[] { "silent", "half-header", "half-body", "trickle", "handshake" };
        var holds = modes.Select(m => ProbeProcess.Start(UnixAccounts.Reader, probe.Dll, daemon.Endpoint, "hold", "4", m, "90")).ToArray();
        try
        {
            foreach (var h in holds) Assert.Equal(4, (await h.NextAsync(TimeSpan.FromSeconds(60))).GetProperty("opened").GetInt32());

            // Root's request runs longer than the idle timeout: a connection waiting on its answer is not idle. Both
            // frames go out with the connect, so no pause of this test process can make the connection look idle first.
            using var busy = await RawFrames.ConnectAsync(daemon.Endpoint);
            await busy.SendAsync(RawFrames.Frame(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"system.HandshakeAsync","params":[{"protocolVersion":1,"clientName":"busy","clientVersion":"1"}]}"""))
                .Concat(RawFrames.Frame(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":2,"method":"system.WaitAsync","params":["7s",null]}"""))).ToArray());
            Assert.Contains("\"result\"", await RawFrames.ReadFrameAsync(busy));
            Assert.Contains("\"id\":2,\"result\"", await RawFrames.ReadFrameAsync(busy));

            for (var i = 0; i < modes.Length; i++)
            {
                var result = await holds[i].NextAsync(TimeSpan.FromSeconds(120));
                output.WriteLine($"{modes[i]}: {result}");
                Assert.True(result.GetProperty("closedByDaemon").GetInt32() == 4, $"{modes[i]}: the daemon should close all 4 connections: {result}");
            }
            // Once answered, root's connection idles too, and is closed (the module would reconnect).
            Assert.True(await RawFrames.WaitClosedAsync(busy, TimeSpan.FromSeconds(60)), "an idle connection should be closed after Ipc:IdleTimeout");
        }
        finally
        {
            foreach (var h in holds) h.Dispose();
        }
        var closed = await daemon.ConnectAsync();
        var log = await closed.Log.QueryAsync(new LogQuery { Component = "Ipc", Filter = UnixAccounts.Reader, Max = 1000 }, None);
        Assert.Contains(log, e => e.Message.Contains("sent no request within 2s", StringComparison.Ordinal));
        Assert.Contains(log, e => e.Message.Contains("sent part of a message and not the rest within 2s", StringComparison.Ordinal));
        Assert.Contains(log, e => e.Message.Contains("was idle for 3s", StringComparison.Ordinal));
        await closed.DisposeAsync();
    }

    [Fact]
    public async Task A_stranger_reconnecting_in_a_loop_neither_locks_root_out_nor_grows_the_database()
    {
        var (daemon, probe) = await MultiUserDaemon.StartAsync(new Dictionary<string, string> { ["Ipc:MaxConnections"] = "16" });
        await using var _ = daemon;
        var before = DatabaseBytes(daemon);
        using var flood = ProbeProcess.Start(UnixAccounts.Stranger, probe.Dll, daemon.Endpoint, "flood", "12", "3000");
        await flood.NextAsync(TimeSpan.FromSeconds(60));

        // While the stranger floods, root connects again and again: the daemon must serve it every time. (A full
        // kernel backlog refusing connect() is the OS, not the daemon: that attempt is simply made again.)
        var served = 0;
        var refusals = new List<string>();
        var floodDone = flood.CompleteAsync(TimeSpan.FromMinutes(2));
        while (!floodDone.IsCompleted)
        {
            try
            {
                await using var c = await ConnectRetryingBacklogAsync(daemon);
                await c.System.GetStatusAsync(None);
                served++;
            }
            catch (OpsException ex)
            {
                refusals.Add(ex.Message);
            }
            await Task.Delay(250);
        }
        var result = (await floodDone).Last();
        output.WriteLine($"flood: {result}; root served {served} times, refused {refusals.Count}");
        Assert.True(result.GetProperty("connects").GetInt64() > 1000, $"the flood should have connected many times: {result}");
        Assert.True(refusals.Count == 0, "root was refused during the flood: " + string.Join(" | ", refusals.Take(3)));
        Assert.True(served >= 5, $"root should have been served throughout the flood ({served} times)");

        // The refusals are recorded once when they start and then as counted summaries: wait for the summary.
        await using var admin = await daemon.ConnectAsync();
        var summary = await WaitForEventAsync(admin, new LogQuery { Component = "Ipc", Filter = $"more connections from {UnixAccounts.Stranger}" });
        var rows = await admin.Log.QueryAsync(new LogQuery { Filter = UnixAccounts.Stranger, Max = 10_000 }, None);
        var counted = rows.Sum(e => CountIn(e.Message));
        output.WriteLine($"{rows.Length} event rows for {result.GetProperty("connects")} connects ({counted} counted in summaries); database grew by {DatabaseBytes(daemon) - before} bytes");
        Assert.True(rows.Length <= 20, $"a flood should cost a few rows per interval, not {rows.Length}: {string.Join(" | ", rows.Take(5).Select(r => r.Message))}");
        Assert.Contains(UnixAccounts.Stranger, summary.Message);
        Assert.True(DatabaseBytes(daemon) - before < 2 * 1024 * 1024, $"the database grew by {DatabaseBytes(daemon) - before} bytes");
    }

    [Fact]
    public async Task A_reader_retrying_a_change_in_a_loop_leaves_one_refusal_record_and_a_count()
    {
        var (daemon, probe) = await MultiUserDaemon.StartAsync();
        await using var _ = daemon;
        var file = Path.Combine(daemon.Root, "retry.jsonl");
        await File.WriteAllLinesAsync(file, Enumerable.Range(1, 300).Select(i =>
            $$"""{"jsonrpc":"2.0","id":{{i}},"method":"config.SetAsync","params":["keys.alerts.expiring_days","{{i}}"]}"""));
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("644", 8));
        var answers = await ProbeProcess.RunAsync(UnixAccounts.Reader, probe.Dll, daemon.Endpoint, "raw", file);
        Assert.Equal(300, answers.Length);
        Assert.All(answers, a => Assert.Contains("PermissionDenied", a.GetProperty("reply").GetString()));

        await using var admin = await daemon.ConnectAsync();
        await WaitForEventAsync(admin, new LogQuery { Component = "Audit", Filter = "more time(s)" });
        var audit = await admin.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = UnixAccounts.Reader, Max = 1000 }, None);
        var individual = audit.Count(e => !e.Message.Contains("more time(s)", StringComparison.Ordinal));
        var counted = audit.Sum(e => CountIn(e.Message));
        output.WriteLine(string.Join("\n", audit.Select(e => e.Message)));
        Assert.True(audit.Length <= 6, $"300 refusals should leave a few records, not {audit.Length}");
        Assert.Equal(300, individual + counted);
        Assert.Contains(audit, e => e.Message.Contains("permission denied", StringComparison.Ordinal) && e.Message.Contains("keys.alerts.expiring_days", StringComparison.Ordinal));
        Assert.Equal("30", (await admin.Config.GetAsync("keys.alerts.expiring_days", None)).Single().Value);
    }

    private static async Task<OpsClient> ConnectRetryingBacklogAsync(DaemonProcess daemon)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return await daemon.ConnectAsync(); }
            catch (OpsException ex) when (attempt < 50 && ex.Message.Contains("Resource temporarily unavailable", StringComparison.Ordinal))
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Polls the event log until an event matches (summaries are written when their interval ends).</summary>
    internal static async Task<LogEvent> WaitForEventAsync(OpsClient client, LogQuery query)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var found = await client.Log.QueryAsync(query, None);
            if (found.Length > 0) return found[0];
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No event matched {JsonSerializer.Serialize(query)} within 60 s.");
            await Task.Delay(500);
        }
    }

    private static int CountIn(string message) => CountPattern().Match(message) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"(?:refused |^)(\d+) more")]
    private static partial Regex CountPattern();

    private static long DatabaseBytes(DaemonProcess d)
        => new[] { d.DatabasePath, d.DatabasePath + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
}

using System.Net.Sockets;
using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>Whatever a client sends, it costs only that client its connection; the daemon keeps serving.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await DaemonProcess.StartNewAsync(new Dictionary<string, string>
    {
        ["Ipc:MaxConnections"] = "16",
        ["Ipc:MaxRefusedConnections"] = "4",
        ["Ipc:MaxMessageBytes"] = "65536",
    });

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Theory]
    [InlineData("garbage")]
    [InlineData("oversized")]
    [InlineData("zero-length")]
    [InlineData("truncated")]
    [InlineData("not-json")]
    [InlineData("json-not-rpc")]
    public async Task A_malformed_stream_closes_only_that_connection(string kind)
    {
        using var raw = await RawConnectAsync();
        var bytes = kind switch
        {
            "garbage" => Encoding.ASCII.GetBytes("\xde\xad\xbe\xefGET / HTTP/1.1\r\n\r\n"),
            "oversized" => Frame(new byte[70_000]),
            "zero-length" => new byte[4],
            "truncated" => Frame(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"system.GetStatusAsync","params":[]}"""))[..20],
            "not-json" => Frame(Encoding.UTF8.GetBytes("{{{{ this is not json")),
            "json-not-rpc" => Frame(Encoding.UTF8.GetBytes("""{"hello":"world"}""")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        await raw.SendAsync(bytes);
        if (kind == "truncated") raw.Shutdown(SocketShutdown.Send);
        // The daemon closes the connection (or at least never answers with data for garbage) within a few seconds.
        var closed = await WaitClosedAsync(raw, TimeSpan.FromSeconds(10));
        if (kind is "garbage" or "oversized" or "zero-length" or "not-json" or "truncated")
            Assert.True(closed, $"the daemon should close a connection that sent {kind}");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task An_unknown_method_and_wrong_parameter_types_get_errors_not_a_crash()
    {
        using var raw = await RawConnectAsync();
        await raw.SendAsync(Frame(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"system.Nope","params":[]}""")));
        var reply1 = await ReadFrameAsync(raw);
        Assert.Contains("-32601", reply1); // method not found

        await raw.SendAsync(Frame(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":2,"method":"config.SetAsync","params":[{"a":1},[2,3]]}""")));
        var reply2 = await ReadFrameAsync(raw);
        Assert.Contains("\"error\"", reply2);
        Assert.Contains("\"id\":2", reply2);

        await raw.SendAsync(Frame(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":3,"method":"system.WaitAsync","params":["not a duration"]}""")));
        var reply3 = await ReadFrameAsync(raw);
        Assert.Contains("\"error\"", reply3);

        // The same connection still works after the errors.
        await raw.SendAsync(Frame(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":4,"method":"system.GetStatusAsync","params":[]}""")));
        var reply4 = await ReadFrameAsync(raw);
        Assert.Contains("\"result\"", reply4);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Internal_errors_do_not_leak_exception_details()
    {
        using var raw = await RawConnectAsync();
        // A deep JSON document exceeds the serializer's depth limit: an error, not a stack trace.
        var deep = new string('[', 200) + new string(']', 200);
        await raw.SendAsync(Frame(Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":9,"method":"config.GetAsync","params":[{{deep}}]}""")));
        string? reply = null;
        try { reply = await ReadFrameAsync(raw); }
        catch (EndOfStreamException) { } // closing the connection is an acceptable answer too
        if (reply is not null)
        {
            Assert.Contains("\"error\"", reply);
            Assert.DoesNotContain("StackTrace", reply, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("   at ", reply);
        }
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_flood_of_connections_is_capped_and_the_daemon_recovers()
    {
        var sockets = new List<Socket>();
        try
        {
            var refusedByKernel = 0;
            for (var i = 0; i < 200; i++)
            {
                try { sockets.Add(await RawConnectAsync()); }
                // A full listen backlog makes connect() fail with EAGAIN: the OS refusing is a refusal too.
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.TryAgain or SocketError.ConnectionRefused) { refusedByKernel++; }
            }
            // Over the cap (16) the daemon refuses new connections: a few (the refused pool, 4) wait to be told why, the rest are closed at accept.
            await Task.Delay(500);
            var closed = 0;
            foreach (var s in sockets)
                if (await WaitClosedAsync(s, TimeSpan.FromMilliseconds(20))) closed++;
            Assert.True(closed + refusedByKernel >= 200 - 16 - 4 - 1, $"expected the connections over the limit to be refused, {closed} closed and {refusedByKernel} refused of 200");
            Assert.True(sockets.Count - closed <= 16 + 4 + 1, $"at most the cap and the refused pool may stay open, {sockets.Count - closed} did");
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
        // Once the flood is gone a normal client is served again.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                await AssertStillServingAsync();
                break;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task AssertStillServingAsync()
    {
        await using var client = await _daemon.ConnectAsync();
        var status = await client.System.GetStatusAsync(CancellationToken.None);
        Assert.Equal(_daemon.ProcessId, status.ProcessId);
        Assert.False(_daemon.HasExited);
    }

    private Task<Socket> RawConnectAsync() => RawFrames.ConnectAsync(_daemon.Endpoint);

    private static byte[] Frame(byte[] body) => RawFrames.Frame(body);

    private static Task<string> ReadFrameAsync(Socket s) => RawFrames.ReadFrameAsync(s);

    private static Task<bool> WaitClosedAsync(Socket s, TimeSpan within) => RawFrames.WaitClosedAsync(s, within);
}

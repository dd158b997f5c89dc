using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace StellaOps.Ops.ProbeClient;

/// <summary>
/// What a hostile local user does to the daemon's socket, run as that user by the integration tests (setpriv):
/// raw frames, connections held open in several half-finished states, and a reconnect flood. Each prints JSON
/// lines: <c>{"ready":…}</c> once its connections are open, then its result.
/// </summary>
internal static class HostileClient
{
    public static bool Handles(string command) => command is "raw" or "hold" or "flood";

    public static async Task<int> RunAsync(string endpoint, string command, string[] args) => command switch
    {
        "raw" => await RawAsync(endpoint, args[0]),
        "hold" => await HoldAsync(endpoint, int.Parse(args[0]), args[1], TimeSpan.FromSeconds(int.Parse(args[2]))),
        "flood" => await FloodAsync(endpoint, TimeSpan.FromSeconds(int.Parse(args[0])), TimeSpan.FromMilliseconds(int.Parse(args[1]))),
        _ => 2,
    };

    /// <summary>Sends each line of <paramref name="file"/> (bytes as they are, invalid UTF-8 included) as one frame and prints each answer.</summary>
    private static async Task<int> RawAsync(string endpoint, string file)
    {
        using var s = await ConnectAsync(endpoint);
        foreach (var line in Split(await File.ReadAllBytesAsync(file)))
        {
            await s.SendAsync(Frame(line));
            var reply = await ReadFrameAsync(s, TimeSpan.FromMinutes(5));
            if (reply is null) { Print(new { closed = true }); return 0; }
            var text = Encoding.UTF8.GetString(reply);
            Print(new { bytes = reply.Length, reply = text.Length > 16_000 ? text[..16_000] : text });
        }
        return 0;
    }

    /// <summary>
    /// Opens <paramref name="count"/> connections left in one state, then watches which of them the daemon closes:
    /// silent (sends nothing), half-header (2 of the 4 length bytes), half-body (a header, then 10 of 100 bytes),
    /// trickle (a header, then one body byte a second), handshake (a complete handshake, then nothing).
    /// Ends when all are closed or after <paramref name="hold"/>.
    /// </summary>
    private static async Task<int> HoldAsync(string endpoint, int count, string mode, TimeSpan hold)
    {
        var sockets = new List<Socket>();
        int served = 0, refused = 0, failed = 0;
        var refusals = new List<string>();
        for (var i = 0; i < count; i++)
        {
            Socket s;
            try { s = await ConnectAsync(endpoint); }
            catch (SocketException) { failed++; continue; }
            sockets.Add(s);
            switch (mode)
            {
                case "silent": break;
                case "half-header": await s.SendAsync(new byte[] { 0, 0 }); break;
                case "half-body" or "trickle":
                    var header = new byte[4];
                    BinaryPrimitives.WriteInt32BigEndian(header, 100);
                    await s.SendAsync(header);
                    if (mode == "half-body") await s.SendAsync(new byte[10]);
                    break;
                case "handshake":
                    byte[]? reply;
                    try
                    {
                        await s.SendAsync(Frame("""{"jsonrpc":"2.0","id":1,"method":"system.HandshakeAsync","params":[{"protocolVersion":1,"clientName":"hold","clientVersion":"1"}]}"""u8.ToArray()));
                        reply = await ReadFrameAsync(s, TimeSpan.FromSeconds(30));
                    }
                    catch (SocketException)
                    {
                        reply = null; // closed unanswered: refused too
                    }
                    using (var answer = reply is null ? null : JsonDocument.Parse(reply))
                    {
                        if (answer?.RootElement.TryGetProperty("result", out _) == true) served++;
                        else
                        {
                            refused++;
                            if (answer?.RootElement.TryGetProperty("error", out var error) == true)
                                refusals.Add(error.GetProperty("data").GetProperty("code").GetString() + ": " + error.GetProperty("message").GetString());
                        }
                    }
                    break;
                default: throw new ArgumentException($"unknown hold mode {mode}");
            }
        }
        Print(new { ready = true, opened = sockets.Count, served, refused, failed, refusal = refusals.FirstOrDefault() });

        var open = new HashSet<Socket>(sockets);
        var closedAt = new List<double>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var buffer = new byte[4096];
        var trickled = 0L;
        while (open.Count > 0 && clock.Elapsed < hold)
        {
            // One more body byte a second: never the whole frame, never silent for long.
            var trickle = mode == "trickle" && clock.ElapsedMilliseconds - trickled >= 1000;
            if (trickle) trickled = clock.ElapsedMilliseconds;
            foreach (var s in open.ToList())
            {
                if (s.Poll(0, SelectMode.SelectRead) && (s.Available == 0 || Drain(s, buffer)))
                {
                    open.Remove(s);
                    closedAt.Add(clock.Elapsed.TotalSeconds);
                }
                else if (trickle)
                {
                    try { s.Send(new byte[] { 32 }); } catch (SocketException) { }
                }
            }
            await Task.Delay(100);
        }
        Print(new { opened = sockets.Count, closedByDaemon = sockets.Count - open.Count, stillOpen = open.Count, lastClosedAfterSeconds = closedAt.Count == 0 ? 0 : closedAt.Max() });
        foreach (var s in sockets) s.Dispose();
        return 0;
    }

    /// <summary>Reads what is there; true when the peer has closed (a read of 0 bytes or a reset).</summary>
    private static bool Drain(Socket s, byte[] buffer)
    {
        try { return s.Receive(buffer) == 0; }
        catch (SocketException) { return true; }
    }

    /// <summary>Connects again and again for <paramref name="duration"/>, keeping each connection open for <paramref name="keep"/> (at most 64 at once).</summary>
    private static async Task<int> FloodAsync(string endpoint, TimeSpan duration, TimeSpan keep)
    {
        var open = new Queue<(Socket Socket, long OpenedAt)>();
        long connects = 0, failures = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Print(new { ready = true });
        while (clock.Elapsed < duration)
        {
            while (open.Count > 0 && (open.Count >= 64 || clock.ElapsedMilliseconds - open.Peek().OpenedAt > keep.TotalMilliseconds))
                open.Dequeue().Socket.Dispose();
            try
            {
                open.Enqueue((await ConnectAsync(endpoint), clock.ElapsedMilliseconds));
                connects++;
            }
            catch (SocketException)
            {
                failures++;
                await Task.Delay(1);
            }
        }
        while (open.Count > 0) open.Dequeue().Socket.Dispose();
        Print(new { connects, failures, seconds = clock.Elapsed.TotalSeconds });
        return 0;
    }

    private static async Task<Socket> ConnectAsync(string endpoint)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await s.ConnectAsync(new UnixDomainSocketEndPoint(endpoint));
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    private static IEnumerable<byte[]> Split(byte[] bytes)
    {
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && bytes[i] != (byte)'\n') continue;
            if (i > start) yield return bytes[start..i];
            start = i + 1;
        }
    }

    private static byte[] Frame(byte[] body)
    {
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>One answer frame, or null when the daemon closed the connection first.</summary>
    private static async Task<byte[]?> ReadFrameAsync(Socket s, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var header = new byte[4];
        if (!await ReadExactlyAsync(s, header, cts.Token)) return null;
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        return await ReadExactlyAsync(s, body, cts.Token) ? body : null;
    }

    private static async Task<bool> ReadExactlyAsync(Socket s, byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        try
        {
            while (read < buffer.Length)
            {
                var n = await s.ReceiveAsync(buffer.AsMemory(read), ct);
                if (n == 0) return false;
                read += n;
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void Print(object o) => Console.WriteLine(JsonSerializer.Serialize(o));
}

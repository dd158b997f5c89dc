using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>The wire without a client library: a bare socket, length-prefixed frames, and what the daemon sends back.</summary>
internal static class RawFrames
{
    public static async Task<Socket> ConnectAsync(string endpoint)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await s.ConnectAsync(new UnixDomainSocketEndPoint(endpoint));
        return s;
    }

    public static byte[] Frame(byte[] body)
    {
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>Sends one request frame and reads one answer frame.</summary>
    public static async Task<string> CallAsync(Socket s, string json)
    {
        await s.SendAsync(Frame(Encoding.UTF8.GetBytes(json)));
        return await ReadFrameAsync(s);
    }

    public static async Task<string> ReadFrameAsync(Socket s)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var header = new byte[4];
        await ReadExactlyAsync(s, header, cts.Token);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        await ReadExactlyAsync(s, body, cts.Token);
        return Encoding.UTF8.GetString(body);
    }

    /// <summary>True when the peer closed the connection (read returns 0 or resets) within the time.</summary>
    public static async Task<bool> WaitClosedAsync(Socket s, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var buf = new byte[4096];
        try
        {
            while (true)
            {
                var n = await s.ReceiveAsync(buf, cts.Token);
                if (n == 0) return true;
            }
        }
        catch (OperationCanceledException) { return false; }
        catch (SocketException) { return true; }
    }

    private static async Task ReadExactlyAsync(Socket s, byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await s.ReceiveAsync(buffer.AsMemory(read), ct);
            if (n == 0) throw new EndOfStreamException("the daemon closed the connection");
            read += n;
        }
    }
}

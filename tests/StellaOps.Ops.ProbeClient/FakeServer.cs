using System.Net.Sockets;
using System.Text;
using System.Text.Json;

/// <summary>
/// Someone else's listener on the daemon's socket path, as a hostile local user would run it: it takes one
/// connection and reports what arrived (a client that checks its peer first sends nothing and hangs up).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class FakeServer
{
    public static async Task<int> RunAsync(string path)
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("777", 8));
        listener.Listen(1);
        Console.WriteLine("listening");
        using var client = await listener.AcceptAsync();
        // A client speaks first: a length-prefixed (4 bytes, big-endian) handshake frame. Read that frame whole, or
        // until the client hangs up; a client that checks its peer first hangs up having sent nothing.
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await client.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            received.Write(buffer, 0, n);
            var bytes = received.GetBuffer();
            if (received.Length >= 4 && received.Length >= 4 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes)) break;
        }
        var all = received.ToArray();
        Console.WriteLine(JsonSerializer.Serialize(new { received = all.Length, text = Encoding.UTF8.GetString(all, Math.Min(4, all.Length), Math.Max(0, all.Length - 4)) }));
        File.Delete(path);
        return 0;
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StellaOps.Ops.TestSupport.Tuf;

/// <summary>What the server does instead of serving a path normally.</summary>
public enum LoopbackFault
{
    /// <summary>404, whether the file exists or not.</summary>
    NotFound,
    /// <summary>A body that never ends (no Content-Length, bytes until the client hangs up).</summary>
    EndlessBody,
    /// <summary>The file, announced with a smaller Content-Length than it has (the client must not trust the header).</summary>
    EndlessBodyWithShortContentLength,
    /// <summary>Headers, then the body one byte every 200 ms.</summary>
    Slow,
    /// <summary>500.</summary>
    ServerError,
}

/// <summary>
/// A static-file HTTP/1.1 server on 127.0.0.1 (a random port) for a directory: the URL path, split at <c>/</c>, names
/// the file below the directory segment by segment as sent (percent escapes kept: <c>/metadata/1.%3F.json</c> is the
/// file <c>metadata/1.%3F.json</c>), so escaped role and target names map to one file each. Records every request
/// path; faults per path (404, endless or slow bodies, errors) simulate a hostile or broken repository.
/// </summary>
public sealed class LoopbackFileServer : IAsyncDisposable, IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;

    public LoopbackFileServer(string rootDirectory)
    {
        RootDirectory = Path.GetFullPath(rootDirectory);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = AcceptLoopAsync();
    }

    public string RootDirectory { get; }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port/</c></summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}/";

    /// <summary>Faults by request path (as sent, e.g. <c>/metadata/timestamp.json</c>).</summary>
    public ConcurrentDictionary<string, LoopbackFault> Faults { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request path in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Bytes written by endless bodies before the client stopped reading.</summary>
    public long EndlessBytesSent => Interlocked.Read(ref _endlessBytes);

    private long _endlessBytes;

    public IReadOnlyList<string> TakeRequests()
    {
        var list = new List<string>();
        while (Requests.TryDequeue(out var r)) list.Add(r);
        return list;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var path = await ReadRequestPathAsync(stream).ConfigureAwait(false);
                if (path is null) return;
                Requests.Enqueue(path);
                var fault = Faults.TryGetValue(path, out var f) ? f : (LoopbackFault?)null;
                var file = MapPath(path);
                if (fault == LoopbackFault.NotFound || fault is null && (file is null || !File.Exists(file)))
                {
                    await WriteAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
                    return;
                }
                if (fault == LoopbackFault.ServerError)
                {
                    await WriteAsync(stream, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
                    return;
                }
                if (fault == LoopbackFault.EndlessBody)
                {
                    await WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
                    var chunk = new byte[16384];
                    Array.Fill(chunk, (byte)' ');
                    while (!_stop.IsCancellationRequested)
                    {
                        await stream.WriteAsync(chunk, _stop.Token).ConfigureAwait(false);
                        Interlocked.Add(ref _endlessBytes, chunk.Length);
                    }
                    return;
                }
                var data = file is not null && File.Exists(file) ? await File.ReadAllBytesAsync(file).ConfigureAwait(false) : [];
                if (fault == LoopbackFault.EndlessBodyWithShortContentLength)
                {
                    // A lying header: the client reads at most the header's length, or fails; either way not more.
                    await WriteAsync(stream, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
                    var filler = new byte[16384];
                    await stream.WriteAsync(data, _stop.Token).ConfigureAwait(false);
                    while (!_stop.IsCancellationRequested)
                    {
                        await stream.WriteAsync(filler, _stop.Token).ConfigureAwait(false);
                        Interlocked.Add(ref _endlessBytes, filler.Length);
                    }
                    return;
                }
                await WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {data.Length}\r\nConnection: close\r\n\r\n").ConfigureAwait(false);
                if (fault == LoopbackFault.Slow)
                {
                    foreach (var b in data)
                    {
                        await stream.WriteAsync(new[] { b }, _stop.Token).ConfigureAwait(false);
                        await Task.Delay(200, _stop.Token).ConfigureAwait(false);
                    }
                    return;
                }
                await stream.WriteAsync(data, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client hung up (as it must on endless data) or the server is stopping.
            }
        }
    }

    private string? MapPath(string urlPath)
    {
        var q = urlPath.IndexOfAny(['?', '#']);
        if (q >= 0) return null;
        var segments = urlPath.TrimStart('/').Split('/');
        if (segments.Any(s => s.Length == 0 || s is "." or "..")) return null;
        return Path.Combine([RootDirectory, .. segments]);
    }

    private static async Task<string?> ReadRequestPathAsync(NetworkStream stream)
    {
        var buffer = new byte[16384];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total)).ConfigureAwait(false);
            if (n == 0) return null;
            total += n;
            var text = Encoding.ASCII.GetString(buffer, 0, total);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var parts = text[..text.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
                return parts.Length >= 2 ? parts[1] : null;
            }
        }
        return null;
    }

    private static Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stop.Cancel();
        _listener.Stop();
        try { await _accept.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}

using System.Net.Sockets;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// A Unix domain socket at a path. The directory is created first with its mode (the real guard, since the
/// socket file is created 0755 whatever the umask), then the socket is bound, chmod-ed and given its group.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class UnixSocketListener(string path, UnixFileMode socketMode, UnixFileMode directoryMode, string? group, ILogger logger) : IConnectionListener
{
    private Socket? _socket;

    public string Endpoint => path;

    public void Start()
    {
        var dir = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir, directoryMode);
            File.SetUnixFileMode(dir, directoryMode); // CreateDirectory's mode is filtered by the umask.
            SetGroup(dir);
        }

        if (File.Exists(path)) // true for a socket file too
        {
            if (SomeoneAnswers(path))
                throw new InvalidOperationException($"Another stella-opsd is already serving {path}. Stop it first, or start this one with --endpoint <other path>.");
            logger.LogInformation("Removing stale socket {Path} left by a previous run", path);
            File.Delete(path);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        File.SetUnixFileMode(path, socketMode);
        SetGroup(path);
        socket.Listen(128);
        _socket = socket;
    }

    public async Task<AcceptedConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        var client = await _socket!.AcceptAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var creds = PeerCredentials.FromSocket(client);
            return new AcceptedConnection(new NetworkStream(client, ownsSocket: true), creds.ProcessId, creds.UserId, creds.GroupId, creds.Groups);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        try
        {
            if (_socket is not null && File.Exists(path)) File.Delete(path);
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "Could not remove the socket {Path}", path);
        }
        return ValueTask.CompletedTask;
    }

    private void SetGroup(string target)
    {
        if (string.IsNullOrWhiteSpace(group)) return;
        var gid = UnixUsers.GroupId(group);
        if (gid is null)
        {
            logger.LogWarning("Socket group {Group} does not exist; {Path} keeps the daemon's group. Create it with 'groupadd {Group}'", group, target, group);
            return;
        }
        if (UnixUsers.Chown(target, -1, (int)gid.Value) != 0)
            logger.LogWarning("Could not give {Path} to group {Group} (errno {Errno})", target, group, System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
    }

    private static bool SomeoneAnswers(string p)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(p));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

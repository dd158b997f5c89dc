using System.Net.Sockets;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// A Unix domain socket at a path. The directory is created first with its mode (the real guard, since the
/// socket file is created 0755 whatever the umask) and must be one nobody else can change (<see cref="PathTrust"/>);
/// then the socket is bound, chmod-ed, given its group and put in place. At shutdown only that socket is removed.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class UnixSocketListener(string path, UnixFileMode socketMode, UnixFileMode directoryMode, string? group, ILogger logger) : IConnectionListener
{
    private readonly string _path = Path.GetFullPath(path);
    private Socket? _socket;
    private UnixFileStatus? _bound;

    public string Endpoint => path;

    public void Start()
    {
        var dir = Path.GetDirectoryName(_path)!;
        if (UnixFileStatus.Of(dir) is null)
        {
            Directory.CreateDirectory(dir, directoryMode);
            // CreateDirectory's mode is filtered by the umask. Someone may have made it first: only ours is changed.
            if (UnixFileStatus.Of(dir) is { Kind: UnixFileKind.Directory } made && made.UserId == UnixUsers.GetEffectiveUserId())
            {
                File.SetUnixFileMode(dir, directoryMode);
                SetGroup(dir);
            }
        }
        // Whoever can rename entries in the directory (or above it) can take the socket's place and hear what clients send.
        if (PathTrust.ForThisProcess().CheckDirectory(dir) is { } problem)
            throw problem.ToException("stella-opsd will not listen there, where someone else could take over its socket and read what clients send (PINs included).");

        if (UnixFileStatus.Of(_path) is { } existing)
        {
            if (existing.Kind != UnixFileKind.Socket)
                throw new InvalidOperationException($"{_path} exists and is not a socket. Remove it or start stella-opsd with --endpoint <other path>.");
            if (UnixSocketProbe.Answers(_path))
                throw new InvalidOperationException($"Another stella-opsd is already serving {_path}. Stop it first, or start this one with --endpoint <other path>.");
            logger.LogInformation("Replacing stale socket {Path} left by a previous run", _path);
        }

        // Bound under a private name, given its mode and group, then renamed into place (replacing a stale socket in
        // one step). Also, .NET deletes a socket's bound path when the socket is disposed, whatever is there by then:
        // that name is the private one, so only this daemon's own socket is ever removed (see DisposeAsync).
        var staging = Path.Combine(dir, $".{Environment.ProcessId}~"); // short: a socket path has at most 107 bytes
        if (UnixFileStatus.Of(staging) is not null) File.Delete(staging);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(staging));
            File.SetUnixFileMode(staging, socketMode);
            SetGroup(staging);
            socket.Listen(128);
            _bound = UnixFileStatus.Of(staging);
            File.Move(staging, _path, overwrite: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
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
            // Only the socket this daemon bound (same device and inode): never whatever has taken its name since.
            var now = UnixFileStatus.Of(_path);
            if (_bound is { } bound && now is { Kind: UnixFileKind.Socket } current && current.IsSameObject(bound))
                File.Delete(_path);
            else if (_bound is not null && now is not null)
                logger.LogWarning("{Path} is no longer the socket this daemon created; leaving it in place", _path);
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "Could not remove the socket {Path}", _path);
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
}

using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Contracts.Client;

/// <summary>
/// Who may serve the socket a client connects to: root, the client's own user (a per-user development daemon), or
/// the daemon's service user (<c>$STELLAOPS_DAEMON_USER</c>, by default the packaged <c>stellaops</c> account).
/// Anyone else listening on the path (another user who got there first, or who renamed the daemon's socket) is
/// refused before a byte is sent, so a PIN cannot be captured.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class DaemonPeer
{
    /// <summary>Throws <see cref="OpsErrorCode.UntrustedPeer"/> unless the peer of the connected socket is a trusted user.</summary>
    public static void Verify(Socket socket, string endpoint)
    {
        var peer = PeerCredentials.FromSocket(socket);
        var trusted = TrustedUsers();
        if (trusted.Contains(peer.UserId)) return;

        var names = string.Join(", ", trusted.Select(UnixUsers.Describe));
        var directory = Path.GetDirectoryName(endpoint) ?? endpoint;
        throw new OpsException(OpsErrorCode.UntrustedPeer,
            $"The process serving {endpoint} (pid {peer.ProcessId}) runs as {UnixUsers.Describe(peer.UserId)}, not as one of {names}: " +
            "it is not a StellaOps daemon this session trusts, so nothing was sent to it.",
            endpoint,
            $"Find out what it is ('ps -o user,pid,args -p {peer.ProcessId}') and who owns {directory} ('ls -ld {directory}'); stop it, remove the directory and start stella-opsd again. " +
            $"If the daemon runs as another service user on purpose, name that user in ${Protocol.DaemonUserVariable}.");
    }

    /// <summary>Root, this process's effective user, and the daemon's service user when that account exists.</summary>
    public static IReadOnlyList<uint> TrustedUsers()
    {
        var users = new List<uint> { 0, UnixUsers.GetEffectiveUserId() };
        if (ServiceUserId() is { } service) users.Add(service);
        return [.. users.Distinct()];
    }

    private static uint? ServiceUserId()
    {
        var configured = Environment.GetEnvironmentVariable(Protocol.DaemonUserVariable);
        var name = string.IsNullOrWhiteSpace(configured) ? Protocol.ServiceUser : configured.Trim();
        return uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : UnixUsers.UserId(name);
    }
}

using System.Net.Sockets;

namespace StellaOps.Ops.Contracts.Unix;

/// <summary>
/// Whether a process accepts connections on a Unix socket path. A socket file alone says little: it outlives a dead
/// server, and a live one creates it at bind(), before listen(), so a connect in between is refused.
/// </summary>
public static class UnixSocketProbe
{
    /// <summary>Connects and closes at once; false when nothing is there (ENOENT) or nothing listens (ECONNREFUSED).</summary>
    public static bool Answers(string socketPath)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

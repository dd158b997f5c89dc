using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace StellaOps.Ops.Contracts.Unix;

/// <summary>
/// The kernel's word on who is at the other end of a connected Unix socket: SO_PEERCRED (pid, uid, gid) and
/// SO_PEERGROUPS (supplementary groups), both fixed at connect()/listen() time, so the peer cannot change them
/// afterwards. The daemon reads them to decide a caller's role; the client reads them to know who serves the socket.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed record PeerCredentials(int ProcessId, uint UserId, uint GroupId, IReadOnlyList<uint> Groups)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int SoPeerGroups = 59;

    public static PeerCredentials FromSocket(Socket socket)
    {
        Span<byte> cred = stackalloc byte[12];
        var n = socket.GetRawSocketOption(SolSocket, SoPeerCred, cred);
        if (n != 12) throw new InvalidOperationException($"SO_PEERCRED returned {n} bytes, expected 12.");
        var pid = BinaryPrimitives.ReadInt32LittleEndian(cred);
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(cred[4..]);
        var gid = BinaryPrimitives.ReadUInt32LittleEndian(cred[8..]);

        var groups = new List<uint> { gid };
        var buf = new byte[4 * 1024];
        try
        {
            var len = socket.GetRawSocketOption(SolSocket, SoPeerGroups, buf);
            for (var i = 0; i + 4 <= len; i += 4)
            {
                var g = BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(i));
                if (!groups.Contains(g)) groups.Add(g);
            }
        }
        catch (SocketException)
        {
            // Kernels before 4.13 lack SO_PEERGROUPS: only the primary group counts then (the safe direction).
        }
        return new PeerCredentials(pid, uid, gid, groups);
    }
}

using StellaOps.Ops.Daemon.Ipc;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>Who a trust record names as having made a change: the caller's user and uid, or the daemon for its own work.</summary>
internal static class TrustActor
{
    public static string Current => CallerContext.Current is { } c ? $"{c.UserName} (uid {c.UserId})" : "daemon";
}

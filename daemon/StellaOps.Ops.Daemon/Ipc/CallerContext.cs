using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>The caller of the RPC being served, flowing through its async calls. Null for the daemon's own work.</summary>
public static class CallerContext
{
    private static readonly AsyncLocal<CallerIdentity?> CurrentCaller = new();

    public static CallerIdentity? Current
    {
        get => CurrentCaller.Value;
        internal set => CurrentCaller.Value = value;
    }
}

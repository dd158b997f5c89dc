using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>The "ipc" capability line of the daemon status.</summary>
public sealed class IpcCapabilityStatus(IpcServer server) : ICapabilityStatus
{
    public CapabilityStatus Current => new()
    {
        Name = "ipc",
        State = CapabilityState.Ready,
        Message = $"{server.Endpoint}, {server.ConnectionCount} connection(s)",
    };
}

using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.SystemInfo;

public sealed class StorageCapability(StateStore store) : ICapabilityStatus
{
    public CapabilityStatus Current => new()
    {
        Name = "storage",
        State = store.SchemaVersion > 0 ? CapabilityState.Ready : CapabilityState.Starting,
        Message = $"SQLite {store.DatabasePath}, schema v{store.SchemaVersion}, WAL, synchronous=FULL",
    };
}

public sealed class IpcCapability(IpcServer server) : ICapabilityStatus
{
    public CapabilityStatus Current => new()
    {
        Name = "ipc",
        State = CapabilityState.Ready,
        Message = $"{server.Endpoint}, {server.ConnectionCount} connection(s)",
    };
}

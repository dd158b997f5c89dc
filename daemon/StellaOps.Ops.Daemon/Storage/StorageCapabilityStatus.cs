using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Storage;

/// <summary>The "storage" capability line of the daemon status.</summary>
public sealed class StorageCapabilityStatus(StateStore store) : ICapabilityStatus
{
    public CapabilityStatus Current => new()
    {
        Name = "storage",
        State = store.SchemaVersion > 0 ? CapabilityState.Ready : CapabilityState.Starting,
        Message = $"SQLite {store.DatabasePath}, schema v{store.SchemaVersion}, WAL, synchronous=FULL",
    };
}

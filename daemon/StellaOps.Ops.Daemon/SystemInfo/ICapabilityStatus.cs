using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.SystemInfo;

/// <summary>A capability's own account of its state, shown by Get-StellaAttestorStatus. Each capability registers one.</summary>
public interface ICapabilityStatus
{
    CapabilityStatus Current { get; }
}

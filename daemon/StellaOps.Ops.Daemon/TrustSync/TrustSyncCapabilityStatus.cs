using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>"trust" in Get-StellaAttestorStatus: where the Sigstore trust comes from, and whether it is fresh, stale or missing.</summary>
internal sealed class TrustSyncCapabilityStatus(TrustSyncStatusReader reader) : ICapabilityStatus
{
    public CapabilityStatus Current
    {
        get
        {
            var status = reader.Read();
            var state = !status.Configured ? CapabilityState.NotConfigured
                : status.Stale || !status.Serving || status.LastOutcome is "unavailable" or "invalid" or "write-failed" ? CapabilityState.Degraded
                : CapabilityState.Ready;
            var message = !status.Configured ? "not configured: run 'stella trust init --tuf-url URL'"
                : status.Stale ? "STALE: " + string.Join(" ", status.Warnings)
                : $"{status.Origin}" + (status.LastRefresh is { } last ? $", refreshed {last:u}" : "") + (status.Warnings.Length > 0 ? "; " + string.Join(" ", status.Warnings) : "");
            return new CapabilityStatus { Name = "trust", State = state, Message = message };
        }
    }
}

using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>"keys" in Get-StellaDaemonStatus: the signing key, its state and expiry; degraded when none can sign.</summary>
internal sealed class KeyCapabilityStatus(SigningKeySelection selection, TimeProvider time) : ICapabilityStatus
{
    public CapabilityStatus Current
    {
        get
        {
            try
            {
                var key = selection.Resolve();
                var status = key.StatusAt(time.GetUtcNow());
                return new CapabilityStatus
                {
                    Name = "keys",
                    State = status == KeyStatus.Active ? CapabilityState.Ready : CapabilityState.Degraded,
                    Message = $"signing key {key.Id[..16]}… ({key.Algorithm}, {key.Provider}) {status.ToString().ToLowerInvariant()}, expires {key.ExpiresAt:u}",
                };
            }
            catch (OpsException ex)
            {
                return new CapabilityStatus { Name = "keys", State = CapabilityState.Degraded, Message = ex.Message };
            }
        }
    }
}

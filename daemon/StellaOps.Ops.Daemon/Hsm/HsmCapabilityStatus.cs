using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>The "hsm" capability line of the daemon status.</summary>
public sealed class HsmCapabilityStatus(HsmService service) : ICapabilityStatus
{
    public CapabilityStatus Current
    {
        get
        {
            var rt = service.Runtime;
            if (rt is null)
            {
                return service.ConfigurationError is { } err
                    ? new CapabilityStatus { Name = "hsm", State = CapabilityState.Down, Message = "Configuration refused: " + err }
                    : new CapabilityStatus { Name = "hsm", State = CapabilityState.NotConfigured, Message = "No HSM configured (Hsm:Primary:TokenLabel in opsd.json)." };
            }

            var state = service.OverallState();
            var active = rt.Group.ActiveConnection;
            string tokens = string.Join(", ", rt.Members.Select(c => $"{c.Name} {c.State} ({c.Options.TokenLabel ?? c.Options.TokenSerial})"));
            return new CapabilityStatus
            {
                Name = "hsm",
                State = service.Starting && state == HsmOverallState.Down ? CapabilityState.Starting : state switch
                {
                    HsmOverallState.Connected => CapabilityState.Ready,
                    HsmOverallState.Degraded or HsmOverallState.FailedOver => CapabilityState.Degraded,
                    _ => CapabilityState.Down,
                },
                Message = $"{state}, active {active.Name}; {tokens}",
            };
        }
    }
}

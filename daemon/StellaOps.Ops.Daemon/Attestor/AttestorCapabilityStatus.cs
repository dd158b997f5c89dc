using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>"attestor" in Get-StellaDaemonStatus: degraded while attestations wait unsigned or no key can sign.</summary>
internal sealed class AttestorCapabilityStatus(AttestationStore store, SigningKeySelection selection) : ICapabilityStatus
{
    public CapabilityStatus Current
    {
        get
        {
            var counts = store.CountByStatus();
            var (key, problem) = selection.Check();
            var waiting = counts[AttestationStatus.Failed];
            var state = problem is null && waiting == 0 ? CapabilityState.Ready : CapabilityState.Degraded;
            var signer = problem is null ? $"signs with {key!.Id[..16]}…" : problem.Message;
            var backlog = waiting == 0 ? "" : $"; {waiting} failed attestation(s) wait for '{SigningAdvice.RetryCommand}'";
            return new CapabilityStatus { Name = "attestor", State = state, Message = $"{counts[AttestationStatus.Signed]} signed; {signer}{backlog}" };
        }
    }
}

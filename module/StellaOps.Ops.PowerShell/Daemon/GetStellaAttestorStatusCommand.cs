using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Daemon;

/// <summary>
/// Get-StellaAttestorStatus: the attestor's signing mode and key (or why there is none), counts of pending, signed
/// and failed attestations, the last failure, and the daemon's own status (version, uptime, your role, capabilities)
/// as <see cref="AttestorStatus.Daemon"/>.
/// </summary>
[Cmdlet(VerbsCommon.Get, "StellaAttestorStatus")]
[OutputType(typeof(AttestorStatus))]
public sealed class GetStellaAttestorStatusCommand : StellaCmdlet
{
    protected override void ProcessRecord()
    {
        var status = InvokeForItem((c, _, ct) => c.Attest.GetStatusAsync(ct), null);
        if (status is not null) WriteObject(status);
    }
}

using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Daemon;

/// <summary>Get-StellaAttestorStatus: the daemon's version, uptime, endpoint, who you are to it, and each capability's state.</summary>
[Cmdlet(VerbsCommon.Get, "StellaAttestorStatus")]
[OutputType(typeof(DaemonStatus))]
public sealed class GetStellaAttestorStatusCommand : StellaCmdlet
{
    protected override void ProcessRecord()
    {
        var status = InvokeForItem((c, _, ct) => c.System.GetStatusAsync(ct), null);
        if (status is not null) WriteObject(status);
    }
}

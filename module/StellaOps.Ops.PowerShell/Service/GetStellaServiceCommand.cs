using System.Management.Automation;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>Get-StellaService: the daemon's service (or the named units) as the service manager sees it.</summary>
[Cmdlet(VerbsCommon.Get, "StellaService")]
[OutputType(typeof(StellaServiceInfo))]
public sealed class GetStellaServiceCommand : ServiceCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (var name in Names) Run(name, () => WriteObject(ServiceControl.Get(name, StopToken)));
    }
}

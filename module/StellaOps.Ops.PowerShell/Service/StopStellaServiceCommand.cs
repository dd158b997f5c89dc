using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>Stop-StellaService: asks the service manager to stop the daemon's service and waits for its job; -PassThru returns the state after it.</summary>
[Cmdlet(VerbsLifecycle.Stop, "StellaService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StellaServiceInfo))]
public sealed class StopStellaServiceCommand : ServiceCmdlet
{
    /// <summary>Return the service's state once the stop finished.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Names)
        {
            if (!ShouldProcess(ServiceControl.UnitName(name), "stop")) continue;
            Run(name, () =>
            {
                var after = ServiceControl.Apply(name, ServiceControl.Action.Stop, StopToken);
                if (PassThru) WriteObject(after);
            });
        }
    }
}

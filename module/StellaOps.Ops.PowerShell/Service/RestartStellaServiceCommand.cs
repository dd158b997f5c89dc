using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>Restart-StellaService: asks the service manager to restart the daemon's service and waits for its job; -PassThru returns the state after it.</summary>
[Cmdlet(VerbsLifecycle.Restart, "StellaService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StellaServiceInfo))]
public sealed class RestartStellaServiceCommand : ServiceCmdlet
{
    /// <summary>Return the service's state once the restart finished.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Names)
        {
            if (!ShouldProcess(ServiceControl.UnitName(name), "restart")) continue;
            Run(name, () =>
            {
                var after = ServiceControl.Apply(name, ServiceControl.Action.Restart, StopToken);
                if (PassThru) WriteObject(after);
            });
        }
    }
}

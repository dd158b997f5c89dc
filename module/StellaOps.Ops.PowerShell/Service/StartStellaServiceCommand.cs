using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>Start-StellaService: asks the service manager to start the daemon's service and waits for its job; -PassThru returns the state after it.</summary>
[Cmdlet(VerbsLifecycle.Start, "StellaService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StellaServiceInfo))]
public sealed class StartStellaServiceCommand : ServiceCmdlet
{
    /// <summary>Return the service's state once the start finished.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Names)
        {
            if (!ShouldProcess(ServiceControl.UnitName(name), "start")) continue;
            Run(name, () =>
            {
                var after = ServiceControl.Apply(name, ServiceControl.Action.Start, StopToken);
                if (PassThru) WriteObject(after);
            });
        }
    }
}

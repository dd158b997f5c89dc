using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>Unregister-StellaScheduledCheck: stops and removes a scheduled check (its timer and service, or its task).</summary>
[Cmdlet(VerbsLifecycle.Unregister, "StellaScheduledCheck", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class UnregisterStellaScheduledCheckCommand : ServiceManagerCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    [ArgumentCompleter(typeof(ScheduledCheckNameCompleter))]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            var unit = OperatingSystem.IsWindows() ? $@"\StellaOps\check-{name}" : ScheduledCheckUnits.TimerUnit(name);
            if (ShouldProcess(unit, "stop and remove the scheduled check")) Run(name, () => ScheduledChecks.Unregister(name, StopToken));
        }
    }
}

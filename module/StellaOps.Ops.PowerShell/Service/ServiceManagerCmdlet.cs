using System.Management.Automation;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>Base of the cmdlets that talk to the service manager (systemd over D-Bus, the Windows service controller or task scheduler), not to the daemon: Ctrl+C, and refusals (no root, no systemd) as error records, one per target.</summary>
public abstract class ServiceManagerCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    protected override void EndProcessing()
    {
        base.EndProcessing();
        _stopping.Dispose();
    }

    protected void Run(string target, Action work)
    {
        try
        {
            work();
        }
        catch (OpsException ex)
        {
            WriteError(ErrorMapping.ToErrorRecord(ex, target));
        }
        catch (UnauthorizedAccessException)
        {
            WriteError(ErrorMapping.ToErrorRecord(new OpsException(OpsErrorCode.PermissionDenied,
                $"Changing services and schedules needs root (the unit files live in {ScheduledCheckUnits.UnitDirectory}).", target,
                "Run it as root (sudo dotnet pwsh ...) or from an elevated PowerShell on Windows."), target));
        }
    }
}

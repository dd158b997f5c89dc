using System.Runtime.Versioning;
using System.ServiceProcess;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>The Windows service controller side of the service cmdlets (not exercised by the Linux test suite).</summary>
[SupportedOSPlatform("windows")]
internal static class WindowsServiceControl
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static StellaServiceInfo Get(string name)
    {
        using var sc = Open(name);
        return Describe(sc);
    }

    public static StellaServiceInfo Apply(string name, ServiceControl.Action action)
    {
        using var sc = Open(name);
        try
        {
            if (action is ServiceControl.Action.Stop or ServiceControl.Action.Restart && sc.Status != ServiceControllerStatus.Stopped)
            {
                sc.Stop();
                sc.WaitForStatus(ServiceControllerStatus.Stopped, Patience);
            }
            if (action is ServiceControl.Action.Start or ServiceControl.Action.Restart)
            {
                sc.Refresh();
                if (sc.Status != ServiceControllerStatus.Running) sc.Start();
                sc.WaitForStatus(ServiceControllerStatus.Running, Patience);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ServiceProcess.TimeoutException)
        {
            throw new OpsException(OpsErrorCode.ServiceControlFailed, $"The service controller could not {action.ToString().ToLowerInvariant()} {name}: {ex.GetBaseException().Message}",
                name, "See the System event log (Get-WinEvent -LogName System -MaxEvents 20) and run from an elevated PowerShell.");
        }
        sc.Refresh();
        return Describe(sc);
    }

    private static ServiceController Open(string name)
    {
        var sc = new ServiceController(name);
        try
        {
            _ = sc.Status;
            return sc;
        }
        catch (InvalidOperationException)
        {
            sc.Dispose();
            throw new OpsException(OpsErrorCode.NotFound, $"There is no Windows service named {name}.", name, "Install the daemon as a service first (scripts/install-service.ps1).");
        }
    }

    private static StellaServiceInfo Describe(ServiceController sc) => new()
    {
        Name = sc.ServiceName,
        Description = sc.DisplayName,
        LoadState = "loaded",
        ActiveState = sc.Status.ToString(),
        UnitFileState = sc.StartType.ToString(),
    };
}

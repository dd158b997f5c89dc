using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Tmds.DBus.Protocol;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>What the service cmdlets do, per service manager: systemd over D-Bus on Linux, the service controller on Windows.</summary>
internal static class ServiceControl
{
    /// <summary>The daemon's service as install-service.ps1 installs it.</summary>
    public static string DefaultName => OperatingSystem.IsWindows() ? "StellaOpsOpsd" : "stellaops-opsd";

    /// <summary>A bare name gets systemd's .service suffix; a name with a unit suffix is kept.</summary>
    public static string UnitName(string name) => OperatingSystem.IsWindows() || name.Contains('.', StringComparison.Ordinal) ? name : name + ".service";

    public static StellaServiceInfo Get(string name, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows()) return WindowsServiceControl.Get(name);
        using var systemd = SystemdManager.Connect(cancellationToken);
        var unit = UnitName(name);
        RequireLoaded(systemd, unit);
        return Describe(systemd, unit);
    }

    public enum Action { Start, Stop, Restart }

    /// <summary>Runs the action and waits for its job to finish; returns the service's state after it.</summary>
    public static StellaServiceInfo Apply(string name, Action action, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows()) return WindowsServiceControl.Apply(name, action);
        using var systemd = SystemdManager.Connect(cancellationToken);
        var unit = UnitName(name);
        RequireLoaded(systemd, unit);
        ObjectPath job;
        try
        {
            job = action switch
            {
                Action.Start => systemd.StartUnit(unit),
                Action.Stop => systemd.StopUnit(unit),
                _ => systemd.RestartUnit(unit),
            };
        }
        catch (StellaOps.Ops.Contracts.OpsException ex) when (ex.Code == StellaOps.Ops.Contracts.OpsErrorCode.PermissionDenied)
        {
            // systemd lets anyone read a unit but asks polkit before a job: say who was refused what, and what to do.
            throw new StellaOps.Ops.Contracts.OpsException(ex.Code,
                $"systemd refused to {action.ToString().ToLowerInvariant()} {unit} for {StellaOps.Ops.Contracts.Unix.UnixUsers.Describe(StellaOps.Ops.Contracts.Unix.UnixUsers.GetEffectiveUserId())}: {ex.Message.Replace("systemd refused: ", "", StringComparison.Ordinal)}", unit,
                $"Managing the service needs root: run 'sudo systemctl {action.ToString().ToLowerInvariant()} {unit}', or this command from a root shell (sudo dotnet pwsh), or grant this user org.freedesktop.systemd1.manage-units in a polkit rule.");
        }
        systemd.WaitForJob(job, cancellationToken);
        var info = Describe(systemd, unit);
        if (action != Action.Stop && !info.IsActive)
            throw new StellaOps.Ops.Contracts.OpsException(StellaOps.Ops.Contracts.OpsErrorCode.ServiceControlFailed,
                $"{unit} did not start: it is {info.ActiveState} ({info.SubState}), result '{info.Result}'.",
                unit, $"See why: 'journalctl -u {unit} -n 50' and 'systemctl status {unit}'.");
        return info;
    }

    [UnsupportedOSPlatform("windows")]
    internal static ObjectPath RequireLoaded(SystemdManager systemd, string unit)
    {
        var path = systemd.LoadUnit(unit);
        var load = systemd.GetAll(path, SystemdManager.UnitInterface)["LoadState"].GetString();
        if (load != "loaded")
            throw new StellaOps.Ops.Contracts.OpsException(StellaOps.Ops.Contracts.OpsErrorCode.NotFound,
                $"systemd has no unit {unit} (its load state is '{load}').", unit,
                "Install the daemon as a service first (scripts/install-service.ps1), or name the unit with -Name.");
        return path;
    }

    [UnsupportedOSPlatform("windows")]
    internal static StellaServiceInfo Describe(SystemdManager systemd, string unit)
    {
        var path = systemd.LoadUnit(unit);
        var u = systemd.GetAll(path, SystemdManager.UnitInterface);
        var loaded = u["LoadState"].GetString() == "loaded";
        var s = loaded && unit.EndsWith(".service", StringComparison.Ordinal) ? systemd.GetAll(path, SystemdManager.ServiceInterface) : [];
        return new StellaServiceInfo
        {
            Name = u["Id"].GetString(),
            Description = u["Description"].GetString(),
            LoadState = u["LoadState"].GetString(),
            ActiveState = u["ActiveState"].GetString(),
            SubState = u["SubState"].GetString(),
            Since = Timestamp(u["StateChangeTimestamp"].GetUInt64()),
            UnitFileState = u.TryGetValue("UnitFileState", out var f) ? f.GetString() : null,
            MainPid = s.TryGetValue("MainPID", out var pid) ? (int)pid.GetUInt32() : 0,
            Result = s.TryGetValue("Result", out var r) ? r.GetString() : null,
            Restarts = s.TryGetValue("NRestarts", out var n) ? (int)n.GetUInt32() : 0,
        };
    }

    /// <summary>systemd's CLOCK_REALTIME microseconds; 0 means never.</summary>
    internal static DateTimeOffset? Timestamp(ulong microseconds)
        => microseconds is 0 or ulong.MaxValue ? null : DateTimeOffset.UnixEpoch.AddTicks((long)microseconds * 10).ToLocalTime();
}

using System.Runtime.Versioning;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>Register, list and remove scheduled checks: systemd timers over D-Bus on Linux, Scheduled Tasks on Windows.</summary>
internal static class ScheduledChecks
{
    public static StellaScheduledCheck Register(string name, IReadOnlyList<string> checks, Duration every, string? daemonPath, string endpoint, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows()) return WindowsScheduledChecks.Register(name, checks, every, daemonPath, endpoint);
        using var systemd = SystemdManager.Connect(cancellationToken);
        daemonPath ??= InstalledDaemonPath(systemd);
        if (!File.Exists(daemonPath))
            throw new OpsException(OpsErrorCode.NotFound, $"There is no daemon at {daemonPath} to run the checks with.", daemonPath,
                "Install the service first (scripts/install-service.ps1), or name the stella-opsd binary with -DaemonPath.");
        var timer = ScheduledCheckUnits.TimerUnit(name);
        Write(Path.Combine(ScheduledCheckUnits.UnitDirectory, ScheduledCheckUnits.ServiceUnit(name)), ScheduledCheckUnits.ServiceFile(name, checks, daemonPath, endpoint));
        Write(Path.Combine(ScheduledCheckUnits.UnitDirectory, timer), ScheduledCheckUnits.TimerFile(name, every));
        systemd.Reload();
        systemd.EnableUnitFiles(timer);
        // Restart, not start: registering again with another interval applies it now.
        systemd.WaitForJob(systemd.RestartUnit(timer), cancellationToken);
        return Describe(systemd, name);
    }

    public static IEnumerable<StellaScheduledCheck> Get(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows()) return WindowsScheduledChecks.Get();
        var names = ScheduledCheckUnits.InstalledNames().ToList();
        if (names.Count == 0) return [];
        using var systemd = SystemdManager.Connect(cancellationToken);
        var found = new List<StellaScheduledCheck>(names.Count);
        foreach (var n in names) found.Add(Describe(systemd, n));
        return found;
    }

    public static void Unregister(string name, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows()) { WindowsScheduledChecks.Unregister(name); return; }
        var timer = ScheduledCheckUnits.TimerUnit(name);
        var timerFile = Path.Combine(ScheduledCheckUnits.UnitDirectory, timer);
        if (!File.Exists(timerFile)) throw NotFound(name);
        using var systemd = SystemdManager.Connect(cancellationToken);
        systemd.WaitForJob(systemd.StopUnit(timer), cancellationToken);
        systemd.DisableUnitFiles(timer);
        File.Delete(timerFile);
        File.Delete(Path.Combine(ScheduledCheckUnits.UnitDirectory, ScheduledCheckUnits.ServiceUnit(name)));
        systemd.Reload();
    }

    public static OpsException NotFound(string name) => new(OpsErrorCode.ScheduledCheckNotFound,
        $"There is no scheduled check named '{name}'.", name, "Run 'Get-StellaScheduledCheck' to list them.");

    [UnsupportedOSPlatform("windows")]
    private static StellaScheduledCheck Describe(SystemdManager systemd, string name)
    {
        var timerUnit = ScheduledCheckUnits.TimerUnit(name);
        var serviceUnit = ScheduledCheckUnits.ServiceUnit(name);
        var timerPath = systemd.LoadUnit(timerUnit);
        var t = systemd.GetAll(timerPath, SystemdManager.UnitInterface);
        var tt = systemd.GetAll(timerPath, SystemdManager.TimerInterface);
        var servicePath = systemd.LoadUnit(serviceUnit);
        var u = systemd.GetAll(servicePath, SystemdManager.UnitInterface);
        var s = systemd.GetAll(servicePath, SystemdManager.ServiceInterface);
        var exec = systemd.ExecStart(servicePath);
        var lastRun = ServiceControl.Timestamp(tt["LastTriggerUSec"].GetUInt64());
        return new StellaScheduledCheck
        {
            Name = name,
            Checks = exec.Count > 0 ? ScheduledCheckUnits.ChecksOf(exec[0]) : [],
            Every = ScheduledCheckUnits.ReadEvery(t["FragmentPath"].GetString()),
            Unit = timerUnit,
            ServiceUnit = serviceUnit,
            Enabled = t["UnitFileState"].GetString(),
            State = t["ActiveState"].GetString(),
            NextRun = ServiceControl.Timestamp(tt["NextElapseUSecRealtime"].GetUInt64()) ?? FromMonotonic(tt["NextElapseUSecMonotonic"].GetUInt64()),
            LastRun = lastRun,
            LastResult = lastRun is null ? null : s["Result"].GetString(),
            LastExitCode = lastRun is null ? null : s["ExecMainStatus"].GetInt32(),
            Failed = u["ActiveState"].GetString() == "failed",
        };
    }

    /// <summary>
    /// A CLOCK_MONOTONIC time in microseconds (an OnUnitActiveSec= timer's next elapse) as wall-clock time. Stopwatch
    /// reads CLOCK_MONOTONIC on Linux, the clock systemd uses.
    /// </summary>
    private static DateTimeOffset? FromMonotonic(ulong microseconds)
    {
        if (microseconds is 0 or ulong.MaxValue) return null;
        var now = System.Diagnostics.Stopwatch.GetTimestamp() / (double)System.Diagnostics.Stopwatch.Frequency * 1_000_000;
        return DateTimeOffset.Now.AddTicks((long)((microseconds - now) * 10));
    }

    /// <summary>The stella-opsd the installed service runs (its ExecStart), else the packaged path.</summary>
    [UnsupportedOSPlatform("windows")]
    private static string InstalledDaemonPath(SystemdManager systemd)
    {
        var path = systemd.LoadUnit(ServiceControl.UnitName(ServiceControl.DefaultName));
        if (systemd.GetAll(path, SystemdManager.UnitInterface)["LoadState"].GetString() != "loaded") return ScheduledCheckUnits.DefaultDaemonPath;
        var exec = systemd.ExecStart(path);
        return exec.Count > 0 && exec[0].Length > 0 ? exec[0][0] : ScheduledCheckUnits.DefaultDaemonPath;
    }

    private static void Write(string path, string content)
    {
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>
/// The unit files of a scheduled check: names, where they live and what they say. The service runs
/// <c>stella-opsd check</c> as a throw-away user (DynamicUser) in the groups that may reach the socket and read,
/// nothing more; its output goes to the journal with each result's priority.
/// </summary>
internal static partial class ScheduledCheckUnits
{
    public const string UnitDirectory = "/etc/systemd/system";
    public const string Prefix = "stellaops-check-";
    public const string DefaultDaemonPath = "/opt/stellaops/daemon/stella-opsd";

    public static string TimerUnit(string name) => $"{Prefix}{name}.timer";
    public static string ServiceUnit(string name) => $"{Prefix}{name}.service";

    /// <summary>Names safe in a unit name, a task path and a file name.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex NamePattern();

    /// <summary>Doctor check ids, wildcards allowed (the daemon expands them).</summary>
    [GeneratedRegex("^[A-Za-z0-9*?][A-Za-z0-9._*?-]{0,127}$")]
    public static partial Regex CheckPattern();

    /// <summary>The name a schedule gets when none is given: the check ids joined, or "all" for every check.</summary>
    public static string DefaultName(IReadOnlyList<string> checks)
    {
        if (checks.Count == 0) return "all";
        var joined = string.Join('_', checks).Replace('*', 'x').Replace('?', 'x');
        return joined.Length <= 64 ? joined : joined[..64].TrimEnd('.', '-', '_');
    }

    /// <summary>The names of the scheduled checks whose timer file is installed.</summary>
    public static IEnumerable<string> InstalledNames()
    {
        if (!Directory.Exists(UnitDirectory)) return [];
        return Directory.EnumerateFiles(UnitDirectory, Prefix + "*.timer")
            .Select(f => Path.GetFileName(f)[Prefix.Length..^".timer".Length])
            .Order(StringComparer.Ordinal);
    }

    public static string ServiceFile(string name, IReadOnlyList<string> checks, string daemonPath, string endpoint)
    {
        var ids = checks.Count == 0 ? "every check" : string.Join(' ', checks);
        var command = new StringBuilder(Quote(daemonPath)).Append(" check --endpoint ").Append(Quote(endpoint));
        foreach (var c in checks) command.Append(' ').Append(c);
        return $"""
            # Written by Register-StellaScheduledCheck; remove it with Unregister-StellaScheduledCheck -Name {name}.
            [Unit]
            Description=StellaOps doctor checks ({name}): {ids}
            Documentation=file:///opt/stellaops/README.md
            After=stellaops-opsd.service

            [Service]
            Type=oneshot
            ExecStart={command}
            # A reader and nothing more: a throw-away user in the groups that reach the socket and may read.
            DynamicUser=yes
            SupplementaryGroups=stellaops stellaops-readers
            SyslogIdentifier=stellaops-check
            NoNewPrivileges=yes
            CapabilityBoundingSet=
            ProtectSystem=strict
            ProtectHome=yes
            PrivateTmp=yes
            # DevicePolicy, not PrivateDevices=yes: that needs a private /dev mounted, which fails (226/NAMESPACE) in containers.
            DevicePolicy=closed
            ProtectKernelTunables=yes
            ProtectKernelModules=yes
            ProtectControlGroups=yes
            RestrictNamespaces=yes
            LockPersonality=yes
            PrivateNetwork=yes
            RestrictAddressFamilies=AF_UNIX
            TimeoutStartSec=5min

            """;
    }

    public static string TimerFile(string name, Duration every) => $"""
        # Written by Register-StellaScheduledCheck; remove it with Unregister-StellaScheduledCheck -Name {name}.
        [Unit]
        Description=StellaOps doctor checks ({name}) every {every}

        [Timer]
        OnActiveSec={Seconds(every)}
        OnUnitActiveSec={Seconds(every)}
        AccuracySec=1s
        Unit={ServiceUnit(name)}

        [Install]
        WantedBy=timers.target

        """;

    /// <summary>The interval the timer file names, read back from OnUnitActiveSec= (null when the file is not one of ours).</summary>
    public static Duration? ReadEvery(string timerFile)
    {
        if (!File.Exists(timerFile)) return null;
        foreach (var line in File.ReadLines(timerFile))
        {
            if (line.StartsWith("OnUnitActiveSec=", StringComparison.Ordinal)
                && long.TryParse(line["OnUnitActiveSec=".Length..].TrimEnd('s'), NumberStyles.None, CultureInfo.InvariantCulture, out var s))
                return new Duration(TimeSpan.FromSeconds(s));
        }
        return null;
    }

    /// <summary>The check ids of a service's ExecStart argv: everything after "check" and its --endpoint.</summary>
    public static string[] ChecksOf(IReadOnlyList<string> argv)
    {
        var i = argv.ToList().IndexOf("check");
        if (i < 0) return [];
        var rest = argv.Skip(i + 1).ToList();
        if (rest.Count >= 2 && rest[0] == "--endpoint") rest = rest[2..];
        return [.. rest];
    }

    private static string Seconds(Duration every) => ((long)Math.Ceiling(every.Value.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";

    /// <summary>systemd's quoting for a path with spaces; plain paths stay as they are.</summary>
    private static string Quote(string path) => path.Any(c => char.IsWhiteSpace(c) || c is '"' or '\\') ? "\"" + path.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : path;
}

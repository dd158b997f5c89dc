using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>
/// Scheduled checks as Scheduled Tasks (\StellaOps\check-NAME) running <c>stella-opsd.exe check</c> as SYSTEM,
/// through schtasks.exe (not exercised by the Linux test suite). The task's last result is the command's exit code.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsScheduledChecks
{
    private const string Folder = @"\StellaOps\";

    public static StellaScheduledCheck Register(string name, IReadOnlyList<string> checks, Duration every, string? daemonPath, string endpoint)
    {
        daemonPath ??= Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "StellaOps", "daemon", "stella-opsd.exe");
        if (!File.Exists(daemonPath))
            throw new OpsException(OpsErrorCode.NotFound, $"There is no daemon at {daemonPath} to run the checks with.", daemonPath, "Install the service first (scripts/install-service.ps1), or pass -DaemonPath.");
        var minutes = Math.Max(1, (int)Math.Ceiling(every.Value.TotalMinutes));
        var command = $"\"{daemonPath}\" check --endpoint {endpoint} {string.Join(' ', checks)}".TrimEnd();
        SchTasks("/Create", "/F", "/TN", Folder + "check-" + name, "/TR", command, "/SC", "MINUTE", "/MO", minutes.ToString(CultureInfo.InvariantCulture), "/RU", "SYSTEM");
        return Get().First(c => c.Name == name);
    }

    public static IEnumerable<StellaScheduledCheck> Get()
    {
        var csv = SchTasks("/Query", "/FO", "CSV", "/V", "/NH");
        foreach (var line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Trim().Trim('"').Split("\",\"");
            if (f.Length < 9 || !f[1].StartsWith(Folder + "check-", StringComparison.OrdinalIgnoreCase)) continue;
            var argv = f[8].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            _ = int.TryParse(f[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out var last);
            yield return new StellaScheduledCheck
            {
                Name = f[1][(Folder.Length + "check-".Length)..],
                Checks = ScheduledCheckUnits.ChecksOf(argv),
                Unit = f[1],
                State = f[3],
                NextRun = DateTimeOffset.TryParse(f[2], CultureInfo.CurrentCulture, DateTimeStyles.AssumeLocal, out var next) ? next : null,
                LastRun = DateTimeOffset.TryParse(f[5], CultureInfo.CurrentCulture, DateTimeStyles.AssumeLocal, out var lr) ? lr : null,
                LastExitCode = last,
                LastResult = last == 0 ? "success" : "exit-code",
                Failed = last != 0,
            };
        }
    }

    public static void Unregister(string name)
    {
        if (!Get().Any(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))) throw ScheduledChecks.NotFound(name);
        SchTasks("/Delete", "/F", "/TN", Folder + "check-" + name);
    }

    private static string SchTasks(params string[] args)
    {
        var psi = new ProcessStartInfo("schtasks.exe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new OpsException(OpsErrorCode.ServiceControlFailed, $"schtasks {args[0]} failed: {error.Result.Trim()}", "schtasks.exe", "Run from an elevated PowerShell (Run as Administrator).");
        return output;
    }
}

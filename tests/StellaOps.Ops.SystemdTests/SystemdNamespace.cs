using System.Diagnostics;
using System.Text;
using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.SystemdTests;

/// <summary>
/// A real systemd booted by ../shared/tools/systemd-ns.sh as the init of a private PID and mount namespace, with
/// copy-on-write overlays over every place install-service.ps1 writes (/etc, /var/lib, /opt, sysusers.d,
/// tmpfiles.d), their upper layers on the namespace's private /run: the install, its users and groups and the
/// daemon's state vanish with the namespace and never touch the host. Every command runs inside it (nsenter).
/// </summary>
public sealed class SystemdNamespace : IDisposable
{
    /// <summary>The host paths the installer writes to; each gets an overlay inside the namespace.</summary>
    private static readonly string[] PrivateTrees = ["/etc", "/var/lib", "/opt", "/usr/lib/sysusers.d", "/usr/lib/tmpfiles.d"];

    private SystemdNamespace(int pid) => Pid = pid;

    /// <summary>
    /// The script: the repository's sibling ../shared/tools/systemd-ns.sh, looked for above the checkout too (a git
    /// worktree sits a level deeper than the main checkout); $STELLAOPS_SYSTEMD_NS names another.
    /// </summary>
    public static string ScriptPath { get; } = FindScript();

    /// <summary>Why the tests cannot run here, or null when they can.</summary>
    public static string? Unavailable { get; } = FindUnavailable();

    /// <summary>The namespace's init (systemd) as the host sees it.</summary>
    public int Pid { get; }

    /// <summary>A path inside the namespace, reached from the host (its /run and /tmp are private).</summary>
    public string HostPath(string path) => $"/proc/{Pid}/root{path}";

    public static SystemdNamespace Start()
    {
        var (exit, output) = Exec(ScriptPath, ["start"], TimeSpan.FromSeconds(90));
        var pid = 0;
        if (exit != 0 || !output.Split('\n').Any(l => int.TryParse(l.Trim(), out pid)))
            throw new InvalidOperationException($"systemd-ns.sh start failed ({exit}): {output}");
        var ns = new SystemdNamespace(pid);
        try
        {
            var script = new StringBuilder("set -e; mkdir -p /run/stella-overlay; mount -t tmpfs tmpfs /run/stella-overlay; ");
            foreach (var tree in PrivateTrees)
            {
                var layer = "/run/stella-overlay/" + tree.Trim('/').Replace('/', '_');
                script.Append($"mkdir -p {layer}/u {layer}/w; mount -t overlay overlay -o lowerdir={tree},upperdir={layer}/u,workdir={layer}/w {tree}; ");
            }
            ns.Must("sh", "-c", script.ToString());
            // The system bus (D-Bus control and timers): basic.target does not start it by itself here.
            ns.Must("systemctl", "start", "dbus.socket", "dbus.service");
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Runs a command inside the namespace (as root, in <paramref name="directory"/>, default the repository).</summary>
    public (int ExitCode, string Output) Run(params string[] command) => RunIn(RepositoryRoot.Path, null, command);

    public (int ExitCode, string Output) RunIn(string directory, IReadOnlyDictionary<string, string>? environment, params string[] command)
    {
        var args = new List<string> { "run", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "env", "-C", directory };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) args.Add($"{k}={v}");
        args.AddRange(command);
        return Exec(ScriptPath, args, TimeSpan.FromSeconds(120));
    }

    /// <summary>Runs a command as <paramref name="user"/> with that user's groups, like a login would.</summary>
    public (int ExitCode, string Output) RunAs(string user, params string[] command)
        => Run(["setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", "--", "env", "HOME=/tmp", "DOTNET_CLI_TELEMETRY_OPTOUT=1", .. command]);

    /// <summary>A step of a test's set-up that must succeed; returns its output.</summary>
    public string Must(params string[] command)
    {
        var (exit, output) = Run(command);
        if (exit != 0) throw new InvalidOperationException($"{string.Join(' ', command)} failed with {exit} in the systemd namespace:\n{output}");
        return output;
    }

    /// <summary>One property of a unit, as systemctl show prints it.</summary>
    public string Property(string unit, string property) => Must("systemctl", "show", "--value", "-p", property, unit).Trim();

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> and the unit's status after a generous bound.</summary>
    public void WaitUntil(Func<bool> condition, string what, string unit = "stellaops-opsd")
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(90))
                Assert.Fail($"{what}: not so after 90 s.\n{Run("systemctl", "--no-pager", "status", unit).Output}\n{Run("journalctl", "--no-pager", "-n", "40", "-u", unit).Output}");
            Thread.Sleep(200);
        }
    }

    /// <summary>Ends the namespace: systemd, every service in it, its mounts and overlays.</summary>
    public void Dispose() => Exec(ScriptPath, ["stop", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30));

    private static string FindScript()
    {
        if (Environment.GetEnvironmentVariable("STELLAOPS_SYSTEMD_NS") is { Length: > 0 } named) return named;
        var sibling = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, "..", "shared", "tools", "systemd-ns.sh"));
        for (var dir = Directory.GetParent(RepositoryRoot.Path); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "tools", "systemd-ns.sh");
            if (File.Exists(candidate)) return candidate;
        }
        return sibling;
    }

    private static string? FindUnavailable()
    {
        if (!OperatingSystem.IsLinux()) return "systemd tests run on Linux only";
        if (!File.Exists(ScriptPath)) return $"no {ScriptPath}: the systemd namespace script lives beside the repository (../shared/tools)";
        if (!File.Exists("/lib/systemd/systemd")) return "systemd is not installed (/lib/systemd/systemd)";
        if (Environment.UserName != "root") return "booting systemd in a namespace needs root";
        return null;
    }

    private static (int ExitCode, string Output) Exec(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}:\n{output.Result}{error.Result}");
        }
        p.WaitForExit();
        return (p.ExitCode, output.Result + error.Result);
    }
}

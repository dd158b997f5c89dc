using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.SystemdTests;

/// <summary>
/// One systemd namespace for the whole collection, with the daemon installed by scripts/install-service.ps1 (the
/// real default paths, inside the namespace's overlays) and real users from the role groups: a reader, an operator
/// and a stranger in neither. Disposing stops the namespace, whatever happened.
/// </summary>
public sealed class ServiceFixture : IDisposable
{
    public const string Unit = "stellaops-opsd";
    public const string Socket = "/run/stellaops/opsd.sock";
    public const string Reader = "sdt-reader";
    public const string Operator = "sdt-operator";
    public const string Stranger = "sdt-stranger";

    private readonly SystemdNamespace? _ns;
    private PwshSession? _pwsh;

    public ServiceFixture()
    {
        if (SystemdNamespace.Unavailable is not null) return;
        _ns = SystemdNamespace.Start();
        try
        {
            // The installer in a pwsh of its own, as an administrator would run it.
            var install = _ns.Run("dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-File", "scripts/install-service.ps1", "-SourcePath", DaemonSource, "-Verbose");
            if (install.ExitCode != 0) throw new InvalidOperationException("install-service.ps1 failed in the systemd namespace:\n" + install.Output);
            InstallOutput = install.Output;
            _ns.Must("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--groups", "stellaops,stellaops-readers", Reader);
            _ns.Must("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--groups", "stellaops,stellaops-operators", Operator);
            _ns.Must("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", Stranger);
            _ns.Must("sh", "-c", $"mkdir -p /tmp/probe && cp -r '{ProbeBuild}'/. /tmp/probe/ && chmod -R u=rwX,go=rX /tmp/probe");
        }
        catch
        {
            _ns.Dispose();
            throw;
        }
    }

    public SystemdNamespace Ns => _ns ?? throw new InvalidOperationException(SystemdNamespace.Unavailable);

    /// <summary>What install-service.ps1 printed.</summary>
    public string InstallOutput { get; } = "";

    /// <summary>The daemon folder to install: build.ps1's out/daemon, else the project's build output.</summary>
    public static string DaemonSource
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("STELLAOPS_DAEMON_PATH");
            if (!string.IsNullOrEmpty(env) && File.Exists(env)) return Path.GetDirectoryName(env)!;
            var laidOut = Path.Combine(RepositoryRoot.Path, "out", "daemon");
            return File.Exists(Path.Combine(laidOut, "stella-opsd")) ? laidOut : Path.Combine(RepositoryRoot.Path, "daemon", "StellaOps.Ops.Daemon", "bin", "Release", "net10.0");
        }
    }

    public static string ModulePath => Environment.GetEnvironmentVariable("STELLAOPS_MODULE_PATH") is { Length: > 0 } m ? m : Path.Combine(RepositoryRoot.Path, "out", "StellaOps", "StellaOps.psd1");

    private static string ProbeBuild => Path.Combine(RepositoryRoot.Path, "tests", "StellaOps.Ops.ProbeClient", "bin", "Release", "net10.0");

    /// <summary>The probe client, copied into the namespace's private /tmp where the test users can read it (the build tree is not theirs to read).</summary>
    private const string ProbeDll = "/tmp/probe/StellaOps.Ops.ProbeClient.dll";

    /// <summary>A pwsh script inside the namespace as root (one session for the collection, the module imported, $ErrorActionPreference = 'Stop'); fails with its output when it throws.</summary>
    public string Pwsh(string script)
    {
        var (exit, output) = TryPwsh(script);
        if (exit != 0) throw new InvalidOperationException($"pwsh failed with {exit} in the systemd namespace:\n{script}\n---\n{output}");
        return output;
    }

    public (int ExitCode, string Output) TryPwsh(string script)
    {
        _pwsh ??= new PwshSession(Ns, ModulePath);
        var (failed, output) = _pwsh.Run(script);
        return (failed ? 1 : 0, output);
    }

    /// <summary>The probe client as <paramref name="user"/> against the service's socket: its JSON line and exit code.</summary>
    public (int ExitCode, string Output) Probe(string user, params string[] args) => Ns.RunAs(user, ["dotnet", ProbeDll, Socket, .. args]);

    public string MainPid => Ns.Property(Unit, "MainPID");

    public void EnsureRunning()
    {
        if (Ns.Property(Unit, "ActiveState") != "active") Ns.Must("systemctl", "start", Unit);
    }

    public void Dispose()
    {
        try { _pwsh?.Dispose(); }
        finally { _ns?.Dispose(); }
    }
}

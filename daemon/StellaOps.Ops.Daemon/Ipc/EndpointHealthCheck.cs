using Microsoft.Extensions.Options;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.Hosting;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>The socket and its directory still have the permissions the daemon gave them (nobody widened them).</summary>
public sealed class EndpointHealthCheck(DaemonPaths paths, IOptionsMonitor<IpcOptions> options) : IHealthCheck
{
    public string Id => "check.daemon.endpoint";
    public string Description => "The local socket exists with the configured permissions.";

    public Task<DoctorResult> RunAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
            return Task.FromResult(new DoctorResult { Check = Id, Status = DoctorStatus.Pass, Message = $"Named pipe {paths.Endpoint} (ACL enforced by Windows)." });

        var o = options.CurrentValue;
        var want = (UnixFileMode)Convert.ToInt32(o.SocketMode, 8);
        var evidence = new Dictionary<string, string> { ["endpoint"] = paths.Endpoint, ["expectedMode"] = Octal(want) };
        if (!File.Exists(paths.Endpoint))
            return Task.FromResult(new DoctorResult
            {
                Check = Id, Status = DoctorStatus.Fail, Evidence = evidence,
                Message = $"The socket {paths.Endpoint} is gone, so new clients cannot connect.",
                Remediation = "Restart the daemon (systemctl restart stellaops-opsd); check that nothing cleans its runtime directory.",
            });
        var have = File.GetUnixFileMode(paths.Endpoint);
        var dirMode = File.GetUnixFileMode(Path.GetDirectoryName(paths.Endpoint)!);
        evidence["mode"] = Octal(have);
        evidence["directoryMode"] = Octal(dirMode);
        var worldOpen = (dirMode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0
                        && (have & UnixFileMode.OtherWrite) != 0;
        return Task.FromResult(worldOpen || (have & ~want) != 0
            ? new DoctorResult
            {
                Check = Id, Status = DoctorStatus.Warn, Evidence = evidence,
                Message = $"The socket is more open than configured ({Octal(have)}, directory {Octal(dirMode)}); the daemon's role check still applies.",
                Remediation = $"chmod {o.SocketMode} {paths.Endpoint}, or restart the daemon to recreate it.",
            }
            : new DoctorResult { Check = Id, Status = DoctorStatus.Pass, Evidence = evidence, Message = $"{paths.Endpoint} is {Octal(have)}, directory {Octal(dirMode)}." });
    }

    private static string Octal(UnixFileMode m) => "0" + Convert.ToString((int)m, 8);
}

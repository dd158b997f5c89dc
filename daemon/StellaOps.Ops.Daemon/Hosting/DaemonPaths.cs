using Microsoft.Extensions.Options;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Ipc;

namespace StellaOps.Ops.Daemon.Hosting;

/// <summary>
/// The resolved locations of the endpoint, the state and the configuration file. System mode uses the packaged
/// locations; otherwise everything is per user, so development needs no root.
/// </summary>
public sealed class DaemonPaths
{
    public DaemonPaths(IOptions<DaemonOptions> daemon, IOptions<IpcOptions> ipc)
    {
        var system = daemon.Value.System;
        StateDirectory = !string.IsNullOrWhiteSpace(daemon.Value.StateDirectory)
            ? Path.GetFullPath(daemon.Value.StateDirectory)
            : DefaultStateDirectory(system);
        Endpoint = !string.IsNullOrWhiteSpace(ipc.Value.Endpoint) ? ipc.Value.Endpoint
            : !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Protocol.EndpointVariable)) ? Environment.GetEnvironmentVariable(Protocol.EndpointVariable)!
            : system ? Protocol.SystemEndpoint : Protocol.UserEndpoint;
        IsSystem = system;
    }

    public bool IsSystem { get; }
    public string StateDirectory { get; }
    public string Endpoint { get; }
    public string DatabasePath => Path.Combine(StateDirectory, "opsd.db");

    public static string DefaultStateDirectory(bool system) => Protocol.DefaultStateDirectory(system);

    /// <summary>The configuration file layered over the built-in defaults.</summary>
    public static string DefaultConfigFile(bool system)
    {
        if (system)
            return OperatingSystem.IsWindows()
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "StellaOps", "opsd.json")
                : "/etc/stellaops/opsd.json";
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg) ? xdg
            : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(baseDir, "stellaops", "opsd.json");
    }
}

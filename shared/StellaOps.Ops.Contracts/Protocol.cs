namespace StellaOps.Ops.Contracts;

/// <summary>Wire-level constants shared by the daemon and every client.</summary>
public static class Protocol
{
    /// <summary>
    /// Bumped on any incompatible change to an RPC interface or DTO. Both sides refuse a different major version
    /// during the handshake, with a message naming both versions.
    /// </summary>
    public const int Version = 1;

    /// <summary>Largest JSON-RPC frame either side accepts (4 MiB): enough for a large attestation, small enough to refuse a flood.</summary>
    public const int DefaultMaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Largest answer the daemon sends (16 MiB): answers may be bigger than requests (a log query, an export), but a
    /// small request must not buy an unbounded answer.
    /// </summary>
    public const int DefaultMaxAnswerBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The most items any batch of a request may hold (every array, list or map in any argument, at any depth). The
    /// daemon refuses more with <see cref="OpsErrorCode.LimitExceeded"/> before it does any work; the module's
    /// pipeline cmdlets send smaller batches by themselves.
    /// </summary>
    public const int MaxBatchItems = 1000;

    /// <summary>Environment variable that overrides the endpoint for clients (the module) and, if set, the daemon.</summary>
    public const string EndpointVariable = "STELLAOPS_ENDPOINT";

    /// <summary>
    /// Environment variable naming (or giving the uid of) the user the daemon runs as, for clients. Unset: the packaged
    /// service account <see cref="ServiceUser"/>. A client talks only to a daemon run by root, by itself, or by this user.
    /// </summary>
    public const string DaemonUserVariable = "STELLAOPS_DAEMON_USER";

    /// <summary>The account the packaged system service runs as (scripts/stellaops-opsd.service).</summary>
    public const string ServiceUser = "stellaops";

    /// <summary>The system endpoint a packaged daemon listens on.</summary>
    public static string SystemEndpoint => OperatingSystem.IsWindows() ? @"\\.\pipe\stellaops-opsd" : "/run/stellaops/opsd.sock";

    /// <summary>
    /// The per-user development endpoint: no root needed. Linux: <c>$XDG_RUNTIME_DIR/stellaops/opsd.sock</c>, or
    /// <c>/tmp/stellaops-$UID/opsd.sock</c> when there is no runtime dir; Windows: a per-user pipe name.
    /// </summary>
    public static string UserEndpoint
    {
        get
        {
            if (OperatingSystem.IsWindows()) return $@"\\.\pipe\stellaops-opsd-{Environment.UserName}";
            var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            var dir = !string.IsNullOrEmpty(runtime) && Directory.Exists(runtime)
                ? Path.Combine(runtime, "stellaops")
                : Path.Combine(Path.GetTempPath(), $"stellaops-{Environment.UserName}");
            return Path.Combine(dir, "opsd.sock");
        }
    }

    /// <summary>
    /// The endpoint a client uses when none is given: <c>$STELLAOPS_ENDPOINT</c>, else the system endpoint if a
    /// daemon is installed there, else the per-user development endpoint.
    /// </summary>
    public static string ResolveClientEndpoint(string? explicitEndpoint)
    {
        if (!string.IsNullOrWhiteSpace(explicitEndpoint)) return explicitEndpoint;
        var fromEnv = Environment.GetEnvironmentVariable(EndpointVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) return fromEnv;
        if (!OperatingSystem.IsWindows() && File.Exists(SystemEndpoint)) return SystemEndpoint;
        return UserEndpoint;
    }

    /// <summary>
    /// The daemon's default state directory: system mode <c>/var/lib/stellaops</c> (Windows: ProgramData\StellaOps);
    /// otherwise per user, <c>$XDG_STATE_HOME/stellaops</c> or <c>~/.local/state/stellaops</c>. Its <c>tuf/targets</c>
    /// holds the trusted root the TUF client verified, which offline verification reads too.
    /// </summary>
    public static string DefaultStateDirectory(bool system)
    {
        if (system)
            return OperatingSystem.IsWindows()
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "StellaOps")
                : "/var/lib/stellaops";
        var xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg) ? xdg
            : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(baseDir, "stellaops");
    }
}

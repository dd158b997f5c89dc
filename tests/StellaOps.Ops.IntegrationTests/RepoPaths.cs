namespace StellaOps.Ops.IntegrationTests;

/// <summary>Finds the built daemon and probe: $STELLAOPS_DAEMON_PATH from build.ps1, else the project build output.</summary>
internal static class RepoPaths
{
    public static string Root => TestSupport.RepositoryRoot.Path;

    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public static string Daemon
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("STELLAOPS_DAEMON_PATH");
            if (!string.IsNullOrEmpty(env) && File.Exists(env)) return env;
            return Path.Combine(Root, "daemon", "StellaOps.Ops.Daemon", "bin", Configuration, "net10.0", "stella-opsd");
        }
    }

    public static string ProbeDirectory => Path.Combine(Root, "tests", "StellaOps.Ops.ProbeClient", "bin", Configuration, "net10.0");
}

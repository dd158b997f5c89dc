namespace StellaOps.Ops.Daemon.Hosting;

/// <summary>Where the daemon keeps its state and whether it runs as the system service.</summary>
public sealed class DaemonOptions
{
    public const string Section = "Daemon";

    /// <summary>System mode: system paths (/run/stellaops, /var/lib/stellaops). Off: per-user development paths.</summary>
    public bool System { get; set; }

    /// <summary>The state directory (database, TUF metadata, software keys). Empty: the mode's default.</summary>
    public string StateDirectory { get; set; } = "";
}

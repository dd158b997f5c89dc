namespace StellaOps.Ops.Daemon.Hosting;

/// <summary>
/// The daemon's few flags, mapped onto configuration keys. Anything else must be a <c>--Section:Key=value</c>
/// pair; an unknown flag stops the daemon with usage instead of being ignored.
/// </summary>
public sealed record DaemonCommandLine(Dictionary<string, string?> Settings, bool ShowHelp, bool ShowVersion)
{
    public const string Usage = """
        Usage: stella-opsd [--system] [--endpoint PATH] [--state-dir DIR] [--config FILE] [--Section:Key=value ...]
               stella-opsd check [--endpoint PATH] [CHECK ...]   (a client: runs doctor checks through the running daemon, exit 1 on a failure)

          --system          Run as the system service: /run/stellaops/opsd.sock, /var/lib/stellaops, /etc/stellaops/opsd.json.
                            Without it the daemon runs per user (development): $XDG_RUNTIME_DIR/stellaops/opsd.sock, ~/.local/state/stellaops.
          --endpoint PATH   Socket path (Linux) or pipe name (Windows) to listen on.
          --state-dir DIR   Where the database and trust metadata live.
          --config FILE     Configuration file layered over the built-in defaults.
          --Section:Key=V   Any configuration key, e.g. --Ipc:MaxConnections=16.
          --version         Print the version and exit.
        Environment: STELLAOPS_Section__Key=value sets any key; STELLAOPS_ENDPOINT sets the endpoint.
        """;

    public static DaemonCommandLine Parse(string[] args)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        bool help = false, version = false;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value.\n\n{Usage}");
            switch (a)
            {
                case "--system": settings["Daemon:System"] = "true"; break;
                case "--endpoint": settings["Ipc:Endpoint"] = Next(); break;
                case "--state-dir": settings["Daemon:StateDirectory"] = Next(); break;
                case "--config": settings["Daemon:ConfigFile"] = Next(); break;
                case "-h" or "--help" or "-?": help = true; break;
                case "--version": version = true; break;
                default:
                    if (a.StartsWith("--", StringComparison.Ordinal) && a.Contains(':', StringComparison.Ordinal))
                    {
                        var eq = a.IndexOf('=', StringComparison.Ordinal);
                        if (eq > 0) settings[a[2..eq]] = a[(eq + 1)..];
                        else settings[a[2..]] = Next();
                        break;
                    }
                    throw new ArgumentException($"Unknown argument '{a}'.\n\n{Usage}");
            }
        }
        return new DaemonCommandLine(settings, help, version);
    }
}

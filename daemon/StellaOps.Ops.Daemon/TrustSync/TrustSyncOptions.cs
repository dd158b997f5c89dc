namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// Configuration section "Trust" (opsd.json, STELLAOPS_Trust__…, --Trust:…=…). With <see cref="TrustedRootFile"/>
/// set, the daemon takes its Sigstore trust material from files an administrator keeps (no TUF repository: a
/// closed network, a test); otherwise from the TUF repository <c>stella trust init</c> configured. The refresh
/// interval is the runtime setting <c>trust.refresh_interval</c>.
/// </summary>
public sealed class TrustSyncOptions
{
    public const string Section = "Trust";

    /// <summary>A Sigstore <c>trusted_root.json</c>; must pass PathTrust (owned by root or the daemon, not writable by others).</summary>
    public string? TrustedRootFile { get; set; }

    /// <summary>A Sigstore <c>signing_config.v0.2.json</c> (optional, only with <see cref="TrustedRootFile"/>); checked the same way.</summary>
    public string? SigningConfigFile { get; set; }

    public bool UsesFiles => !string.IsNullOrWhiteSpace(TrustedRootFile);
}

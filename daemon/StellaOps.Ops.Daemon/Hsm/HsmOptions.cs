using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>
/// Configuration section "Hsm" (opsd.json, STELLAOPS_Hsm__…, --Hsm:…=…). The hsm.session.* and hsm.pkcs11.library_path
/// settings of the setting catalog write Session and Pkcs11; the members are configured in the file.
/// </summary>
public sealed class HsmOptions
{
    public const string Section = "Hsm";

    public HsmSessionOptions Session { get; set; } = new();
    public HsmPkcs11Options Pkcs11 { get; set; } = new();

    /// <summary>The token keys live on. Not configured (no TokenLabel/TokenSerial): the HSM capability is NotConfigured.</summary>
    public HsmMemberOptions Primary { get; set; } = new();

    /// <summary>Optional second token holding copies of the keys (same CKA_IDs); takes over when the primary is unreachable.</summary>
    public HsmMemberOptions Backup { get; set; } = new();

    /// <summary>Consecutive good keep-alive probes of the primary before failing back to it.</summary>
    public int FailbackProbes { get; set; } = 3;

    /// <summary>CKA_ID (hex) of the key used by the Sign self-test; generated as ecdsa-p256 on a token that lacks it.</summary>
    public string SelfTestKeyId { get; set; } = "7374656c6c612d73656c6674657374"; // "stella-selftest"

    /// <summary>Longest wait between background reconnect attempts of a down HSM (backoff starts at 1 s).</summary>
    public Duration ReconnectMaxDelay { get; set; } = Duration.Parse("30s");

    /// <summary>
    /// Per-user development mode only: provision a SoftHSM token "stellaops-dev" under the state directory when no token
    /// is configured. Unset: on when the daemon runs per user on its default state directory (build.ps1 start).
    /// </summary>
    public bool? DevelopmentToken { get; set; }

    public bool IsConfigured => Primary.HasToken;
}

public sealed class HsmSessionOptions
{
    /// <summary>Deadline of every PKCS#11 call (hsm.session.timeout).</summary>
    public Duration Timeout { get; set; } = Duration.Parse("30s");
    /// <summary>Keep-alive probes on/off (hsm.session.keepalive).</summary>
    public bool Keepalive { get; set; } = true;
    /// <summary>Keep-alive interval (hsm.session.keepalive_interval).</summary>
    public Duration KeepaliveInterval { get; set; } = Duration.Parse("60s");
}

public sealed class HsmPkcs11Options
{
    /// <summary>PKCS#11 module of the primary (hsm.pkcs11.library_path); applied on Reset -ReloadLibrary.</summary>
    public string LibraryPath { get; set; } = "";
}

public sealed class HsmMemberOptions
{
    /// <summary>PKCS#11 module. For the primary this is Hsm:Pkcs11:LibraryPath; for the backup, empty means the primary's module.</summary>
    public string LibraryPath { get; set; } = "";
    public string TokenLabel { get; set; } = "";
    public string TokenSerial { get; set; } = "";
    /// <summary>File holding the user PIN; must be readable by the daemon's user only (0600 or 0400).</summary>
    public string PinFile { get; set; } = "";
    /// <summary>Environment variable holding the user PIN (used when PinFile is empty).</summary>
    public string PinEnvironmentVariable { get; set; } = "";
    public int PoolSize { get; set; } = 4;
    /// <summary>Variables set in the daemon's native environment before the module loads (SOFTHSM2_CONF, P11_KIT_SERVER_ADDRESS, …).</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    public bool HasToken => !string.IsNullOrWhiteSpace(TokenLabel) || !string.IsNullOrWhiteSpace(TokenSerial);

    /// <summary>Identity of the member's configuration (no PIN material: only where the PIN comes from).</summary>
    internal string ConfigurationFingerprint(string library) =>
        string.Join("|", library, TokenLabel, TokenSerial, PinFile, PinEnvironmentVariable, PoolSize,
            string.Join(",", Environment.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)));
}

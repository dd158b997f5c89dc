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

using StellaOps.Ops.Contracts;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>Turns HSM library failures into the typed errors clients see, with the runbook's next step.</summary>
public static class HsmErrors
{
    public const string Reconnect = "stella crypto hsm reconnect";
    public const string Failover = "stella crypto hsm failover --to backup";
    public const string SoftwareMode = "stella attest config set signing.mode software";

    public const string ConfigureAction =
        "Configure the HSM in opsd.json: Hsm:Primary:TokenLabel (or TokenSerial), Hsm:Primary:PinFile (a file readable only by the daemon's user, chmod 600) " +
        "or Hsm:Primary:PinEnvironmentVariable, the module with 'stella crypto hsm config set pkcs11.library_path <path>' (Hsm:Pkcs11:LibraryPath), " +
        "optionally Hsm:Backup:* for failover; then restart the daemon. Until then, if permitted: '" + SoftwareMode + "'.";

    public static OpsException NotConfigured(string what = "No HSM is configured") =>
        new(OpsErrorCode.HsmNotConfigured, $"{what}: the daemon has no PKCS#11 token to use.", "hsm", ConfigureAction);

    public static string Action(HsmErrorKind kind) => kind switch
    {
        HsmErrorKind.Connection => $"Run '{Reconnect}' (Reset-StellaHsm). If the HSM stays unreachable, '{Failover}' or, if permitted, '{SoftwareMode}'. Check the HSM, its network path or p11-kit server, and the module path ('stella crypto hsm config get pkcs11.library_path').",
        HsmErrorKind.Timeout => $"The HSM did not answer within hsm.session.timeout. Check the HSM or its network; if it is only slow, 'stella crypto hsm config set session.timeout 300s'; then '{Reconnect}'. Meanwhile '{Failover}'.",
        HsmErrorKind.PinIncorrect => $"The token rejected the PIN; it is not retried (each attempt counts toward lockout). Fix the PIN source (Hsm:*:PinFile or PinEnvironmentVariable), or update it with 'stella crypto hsm auth update --slot <slot-id>', then '{Reconnect}'.",
        HsmErrorKind.PinLocked => $"The user PIN is locked or expired: a security officer must unlock or reset it on the token; then update the PIN source and run '{Reconnect}'. Meanwhile '{Failover}' if a backup is configured.",
        HsmErrorKind.Session or HsmErrorKind.Login or HsmErrorKind.Transient => $"Retry the operation; if it keeps failing run '{Reconnect}'.",
        HsmErrorKind.KeyNotFound => "Check the key id; a backup token must hold its own copy of every key (same CKA_ID).",
        HsmErrorKind.Unsupported => "Choose an algorithm the token supports ('stella crypto hsm pkcs11-info', Get-StellaCryptoProvider).",
        _ => $"See 'stella crypto hsm logs --last 30m'; then '{Reconnect}'.",
    };

    public static OpsErrorCode Code(HsmErrorKind kind) => kind switch
    {
        HsmErrorKind.PinIncorrect => OpsErrorCode.HsmPinIncorrect,
        HsmErrorKind.PinLocked => OpsErrorCode.HsmPinLocked,
        HsmErrorKind.Timeout => OpsErrorCode.HsmTimeout,
        HsmErrorKind.KeyNotFound => OpsErrorCode.KeyNotFound,
        HsmErrorKind.Unsupported => OpsErrorCode.InvalidArgument,
        _ => OpsErrorCode.HsmUnavailable,
    };

    /// <summary>The library's messages never hold a PIN; they are passed on with the kind and CKR code.</summary>
    public static OpsException ToOps(HsmException e, string operation) =>
        new(Code(e.Kind), $"HSM {operation} failed: {e.Message}", e.HsmName ?? "hsm", Action(e.Kind));

    /// <summary>Runs <paramref name="body"/> and maps HSM failures to <see cref="OpsException"/>.</summary>
    public static async Task<T> Map<T>(string operation, Func<Task<T>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (HsmException e)
        {
            throw ToOps(e, operation);
        }
        catch (ObjectDisposedException)
        {
            throw new OpsException(OpsErrorCode.HsmUnavailable, $"HSM {operation} was interrupted: the HSM connection was being rebuilt or the daemon is stopping.", "hsm", "Retry the operation.");
        }
    }
}

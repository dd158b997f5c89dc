using Net.Pkcs11Interop.Common;

namespace StellaOps.Ops.Hsm;

/// <summary>Maps CKR codes to <see cref="HsmErrorKind"/> (docs/architecture.md, "HSM error classes") and builds actionable messages.</summary>
public static class Pkcs11ErrorClassifier
{
    public static HsmErrorKind Classify(CKR rv) => rv switch
    {
        CKR.CKR_DEVICE_ERROR or CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_CRYPTOKI_NOT_INITIALIZED
            or CKR.CKR_GENERAL_ERROR or CKR.CKR_SLOT_ID_INVALID or CKR.CKR_TOKEN_NOT_RECOGNIZED => HsmErrorKind.Connection,
        CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED => HsmErrorKind.Session,
        CKR.CKR_USER_NOT_LOGGED_IN or CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID => HsmErrorKind.Login,
        CKR.CKR_FUNCTION_FAILED or CKR.CKR_SESSION_COUNT => HsmErrorKind.Transient,
        CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE => HsmErrorKind.PinIncorrect,
        CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED => HsmErrorKind.PinLocked,
        CKR.CKR_MECHANISM_INVALID or CKR.CKR_MECHANISM_PARAM_INVALID or CKR.CKR_FUNCTION_NOT_SUPPORTED
            or CKR.CKR_KEY_SIZE_RANGE or CKR.CKR_DOMAIN_PARAMS_INVALID or CKR.CKR_CURVE_NOT_SUPPORTED
            or CKR.CKR_KEY_TYPE_INCONSISTENT or CKR.CKR_TEMPLATE_INCONSISTENT or CKR.CKR_ATTRIBUTE_VALUE_INVALID => HsmErrorKind.Unsupported,
        _ => HsmErrorKind.Other,
    };

    /// <summary>Advice for a kind; used in exception messages.</summary>
    public static string Advice(HsmErrorKind kind) => kind switch
    {
        HsmErrorKind.Connection => "The HSM is unreachable; the module is reloaded and the connection retried in the background (check the HSM, its network/p11-kit server and the module path).",
        HsmErrorKind.Session => "The session was lost; it is reopened automatically. Retry the operation.",
        HsmErrorKind.Login => "The token is not logged in or a key handle went stale; the layer logs in again and looks keys up by CKA_ID. Retry the operation.",
        HsmErrorKind.PinIncorrect => "The token rejected the PIN. It is NOT retried (each attempt counts toward lockout): fix the PIN source, then call ResetPinFailure or reconnect.",
        HsmErrorKind.PinLocked => "The user PIN is locked or expired: a security officer must unlock/reset it; then update the PIN source and call ResetPinFailure.",
        HsmErrorKind.Transient => "A transient HSM failure persisted after bounded retries; retry later or reduce load.",
        HsmErrorKind.KeyNotFound => "No such key on this token: check the key id, or provision the key on this token (a backup token needs its own copy).",
        HsmErrorKind.Unsupported => "The token does not support this mechanism, curve or key size; choose another algorithm or HSM.",
        HsmErrorKind.Timeout => "A PKCS#11 call exceeded its deadline; the HSM is treated as down and reconnected in the background.",
        _ => "Unexpected HSM error; see the CKR code.",
    };

    internal static HsmException FromPkcs11(Pkcs11Exception e, string operation, string hsmName)
    {
        var kind = Classify(e.RV);
        string ckr = e.RV.ToString();
        return new HsmException(kind, $"HSM '{hsmName}': {operation} failed with {ckr}. {Advice(kind)}", ckr, hsmName, e);
    }
}

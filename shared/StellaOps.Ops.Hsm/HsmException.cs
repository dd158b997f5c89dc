using Net.Pkcs11Interop.Common;

namespace StellaOps.Ops.Hsm;

/// <summary>What went wrong, in terms of what the caller (or this library) should do about it.</summary>
public enum HsmErrorKind
{
    /// <summary>The module/token is unreachable (device error, token gone, not initialised, no slot). Handled by a full module reload; failover applies.</summary>
    Connection,
    /// <summary>A session handle went bad; the session is reopened.</summary>
    Session,
    /// <summary>Not logged in / object handle stale; log in again and look keys up again by CKA_ID.</summary>
    Login,
    /// <summary>The PIN was rejected. Never retried automatically (token lockout); fix the PIN source or call ResetPinFailure.</summary>
    PinIncorrect,
    /// <summary>The user PIN is locked or expired; a security officer must act. Never retried.</summary>
    PinLocked,
    /// <summary>A transient failure (CKR_FUNCTION_FAILED, pool exhausted) that outlived the bounded retries.</summary>
    Transient,
    /// <summary>No key with the requested CKA_ID (or it does not match the requested algorithm).</summary>
    KeyNotFound,
    /// <summary>The token does not support the mechanism, curve or key size.</summary>
    Unsupported,
    /// <summary>A PKCS#11 call did not finish within the deadline; the connection is marked down (failover applies).</summary>
    Timeout,
    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>
/// An HSM failure with its <see cref="HsmErrorKind"/> and, when it came from the module, the CKR name.
/// Messages say what to do; they never contain a PIN.
/// </summary>
public sealed class HsmException : Exception
{
    public HsmException(HsmErrorKind kind, string message, string? ckr = null, string? hsmName = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Ckr = ckr;
        HsmName = hsmName;
    }

    public HsmErrorKind Kind { get; }
    /// <summary>CKR_* name from the module, e.g. "CKR_DEVICE_ERROR"; null when not from a PKCS#11 return value.</summary>
    public string? Ckr { get; }
    /// <summary>The configured HSM name, when known.</summary>
    public string? HsmName { get; }

    /// <summary>True for the kinds that mean "this HSM is unreachable": Connection and Timeout (failover triggers).</summary>
    public bool IsConnectionClass => Kind is HsmErrorKind.Connection or HsmErrorKind.Timeout;

    /// <summary>True for PIN failures that must never be retried automatically.</summary>
    public bool IsPinFailure => Kind is HsmErrorKind.PinIncorrect or HsmErrorKind.PinLocked;

    public override string ToString() => $"{nameof(HsmException)} [{Kind}{(Ckr is null ? "" : ", " + Ckr)}{(HsmName is null ? "" : ", hsm=" + HsmName)}]: {Message}";
}

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

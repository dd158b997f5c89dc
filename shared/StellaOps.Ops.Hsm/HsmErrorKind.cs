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

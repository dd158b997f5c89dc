namespace StellaOps.Ops.Contracts;

/// <summary>
/// Typed error codes that cross the pipe. The numeric value is the JSON-RPC error code (application range);
/// the name is the stable id a client turns into an ErrorRecord's FullyQualifiedErrorId. Never renumber.
/// </summary>
public enum OpsErrorCode
{
    Internal = 1000,
    InvalidArgument = 1001,
    NotFound = 1002,
    Conflict = 1003,
    Unauthorized = 1004,
    PermissionDenied = 1005,
    ProtocolMismatch = 1006,
    Timeout = 1007,
    Unavailable = 1008,
    SettingNotFound = 1009,
    InvalidSetting = 1010,
    KeyNotFound = 1100,
    KeyExpired = 1101,
    KeyNotActive = 1102,
    NoActiveKey = 1103,
    KeyRevoked = 1104,
    HsmUnavailable = 1200,
    HsmPinIncorrect = 1201,
    HsmPinLocked = 1202,
    HsmTimeout = 1203,
    HsmNotConfigured = 1204,
    SigningFailed = 1300,
    AttestationNotFound = 1301,
    VerificationFailed = 1400,
    TrustUnavailable = 1500,
    TransparencyLogUnavailable = 1600,
    /// <summary>A file or directory the daemon would rely on could be swapped or read by someone else (owner, mode, symbolic link).</summary>
    UntrustedPath = 1011,
    /// <summary>The process serving the endpoint is not the daemon's user: nothing was sent to it.</summary>
    UntrustedPeer = 1012,
    /// <summary>The disk holding the daemon's state directory is full: nothing more can be recorded.</summary>
    StorageFull = 1013,
    /// <summary>Named by the runbooks, not built in this release (a doctor check still to come).</summary>
    NotImplemented = 1014,
    /// <summary>A request, batch or answer over one of the daemon's size limits; the message names the limit and how to split the work.</summary>
    LimitExceeded = 1015,
    /// <summary>The new PIN could not be put into the PIN file; nothing changed (token and file keep the current PIN).</summary>
    HsmPinFileNotWritten = 1205,
    /// <summary>The token has the new PIN but the PIN file still the old one: the message says how to bring them in step.</summary>
    HsmPinOutOfStep = 1206,
}

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
    /// <summary>A certificate or public key was not added to the trust store: the message says why (not a CA, expired, unreadable).</summary>
    TrustAnchorRefused = 1450,
    /// <summary>No trust anchor has that id (fingerprint or key id).</summary>
    TrustAnchorNotFound = 1451,
    /// <summary>A key certificate (leaf + chain) was refused: it does not carry the key's public key, or it cannot be read.</summary>
    KeyCertificateRefused = 1452,
    /// <summary>The key has no certificate stored yet (Set-StellaKeyCertificate).</summary>
    KeyCertificateNotFound = 1453,
    /// <summary>A certificate chain does not lead from the leaf to a trust anchor, or one of its links is not valid: the message names the link.</summary>
    CertificateChainInvalid = 1454,
    /// <summary>No issuer has that id.</summary>
    IssuerNotFound = 1455,
    /// <summary>An issuer document was refused: not signed by a key already trusted for that issuer, malformed, or for another issuer.</summary>
    IssuerDocumentRefused = 1456,
    /// <summary>An issuer document is older than (or the same version as) the one already accepted: a replay, refused.</summary>
    IssuerDocumentReplayed = 1457,
}

/// <summary>The <c>error.data</c> of a typed error: the code's name, what it is about, and what to do.</summary>
public sealed record OpsErrorData
{
    public string Code { get; init; } = nameof(OpsErrorCode.Internal);
    /// <summary>The object the error is about (a key id, a setting name, …), shown as the ErrorRecord's target.</summary>
    public string? Target { get; init; }
    /// <summary>The next step for the operator ("activate a backup key with Enable-StellaKey").</summary>
    public string? RecommendedAction { get; init; }
}

/// <summary>
/// The one exception type for expected failures, on both sides of the pipe. The daemon throws it; the client
/// gets it back with the same code, message and recommended action.
/// </summary>
public sealed class OpsException : Exception
{
    public OpsException(OpsErrorCode code, string message, string? target = null, string? recommendedAction = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Target = target;
        RecommendedAction = recommendedAction;
    }

    public OpsErrorCode Code { get; }
    public string? Target { get; }
    public string? RecommendedAction { get; }

    public OpsErrorData ToData() => new() { Code = Code.ToString(), Target = Target, RecommendedAction = RecommendedAction };

    public static OpsException FromData(int code, string message, OpsErrorData? data)
    {
        var parsed = data is not null && Enum.TryParse<OpsErrorCode>(data.Code, out var byName) ? byName
            : Enum.IsDefined(typeof(OpsErrorCode), code) ? (OpsErrorCode)code
            : OpsErrorCode.Internal;
        return new OpsException(parsed, message, data?.Target, data?.RecommendedAction);
    }

    public static OpsException InvalidArgument(string message, string? target = null, string? action = null)
        => new(OpsErrorCode.InvalidArgument, message, target, action);

    public static OpsException NotFound(string message, string? target = null, string? action = null)
        => new(OpsErrorCode.NotFound, message, target, action);
}

using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.PowerShell;

/// <summary>
/// The daemon's typed error codes as PowerShell errors: FullyQualifiedErrorId starts with the code's name (the
/// cmdlet appends its own type name), the category matches, the target is what the error is about, and
/// ErrorDetails.RecommendedAction carries the daemon's next step for the operator.
/// </summary>
public static class ErrorMapping
{
    public static ErrorCategory CategoryOf(OpsErrorCode code) => code switch
    {
        OpsErrorCode.Unavailable => ErrorCategory.ConnectionError,
        OpsErrorCode.Unauthorized or OpsErrorCode.PermissionDenied => ErrorCategory.PermissionDenied,
        OpsErrorCode.NotFound or OpsErrorCode.KeyNotFound or OpsErrorCode.SettingNotFound or OpsErrorCode.AttestationNotFound => ErrorCategory.ObjectNotFound,
        OpsErrorCode.InvalidArgument or OpsErrorCode.InvalidSetting => ErrorCategory.InvalidArgument,
        OpsErrorCode.Timeout or OpsErrorCode.HsmTimeout => ErrorCategory.OperationTimeout,
        OpsErrorCode.ProtocolMismatch => ErrorCategory.InvalidOperation,
        OpsErrorCode.Conflict => ErrorCategory.ResourceExists,
        OpsErrorCode.KeyExpired or OpsErrorCode.KeyNotActive or OpsErrorCode.NoActiveKey or OpsErrorCode.KeyRevoked => ErrorCategory.InvalidOperation,
        OpsErrorCode.HsmUnavailable or OpsErrorCode.HsmNotConfigured or OpsErrorCode.TrustUnavailable or OpsErrorCode.TransparencyLogUnavailable or OpsErrorCode.StorageFull or OpsErrorCode.MasterKeyMissing => ErrorCategory.ResourceUnavailable,
        OpsErrorCode.HsmPinIncorrect or OpsErrorCode.HsmPinLocked => ErrorCategory.AuthenticationError,
        OpsErrorCode.HsmPinFileNotWritten or OpsErrorCode.HsmPinOutOfStep => ErrorCategory.WriteError,
        OpsErrorCode.VerificationFailed or OpsErrorCode.UntrustedPath or OpsErrorCode.UntrustedPeer => ErrorCategory.SecurityError,
        OpsErrorCode.SignatureVerificationFailed or OpsErrorCode.InvalidAttestation or OpsErrorCode.TrustAnchorNotFound
            or OpsErrorCode.CertificateChainIntermediateMissing or OpsErrorCode.CertificateChainRootNotTrusted or OpsErrorCode.CertificateChainInvalid
            or OpsErrorCode.KeyNotTrustedAtSigningTime or OpsErrorCode.CertificateExpired or OpsErrorCode.CertificateNotYetValid
            or OpsErrorCode.CertificateUsageInvalid or OpsErrorCode.IssuerNotTrusted or OpsErrorCode.AlgorithmNotSupported
            or OpsErrorCode.SubjectDigestMismatch or OpsErrorCode.TimestampInvalid or OpsErrorCode.TransparencyLogEntryMissing
            or OpsErrorCode.TransparencyLogInconsistent or OpsErrorCode.TransparencyLogCheckpointInvalid => ErrorCategory.SecurityError,
        OpsErrorCode.SigningFailed => ErrorCategory.InvalidResult,
        OpsErrorCode.NotImplemented => ErrorCategory.NotImplemented,
        OpsErrorCode.LimitExceeded => ErrorCategory.LimitsExceeded,
        OpsErrorCode.TrustAnchorIdNotFound or OpsErrorCode.KeyCertificateNotFound or OpsErrorCode.IssuerNotFound => ErrorCategory.ObjectNotFound,
        OpsErrorCode.TrustAnchorRefused or OpsErrorCode.KeyCertificateRefused => ErrorCategory.InvalidData,
        OpsErrorCode.IssuerDocumentRefused or OpsErrorCode.IssuerDocumentReplayed => ErrorCategory.SecurityError,
        OpsErrorCode.TrustNotConfigured => ErrorCategory.InvalidOperation,
        OpsErrorCode.TrustAlreadyInitialized => ErrorCategory.ResourceExists,
        OpsErrorCode.TrustRepositoryUnavailable => ErrorCategory.ResourceUnavailable,
        OpsErrorCode.TrustMetadataInvalid or OpsErrorCode.TrustMetadataStale or OpsErrorCode.TrustSnapshotInvalid
            or OpsErrorCode.TrustRootChangeNeedsForce => ErrorCategory.SecurityError,
        OpsErrorCode.TrustMaterialInvalid or OpsErrorCode.TrustServiceSelectionFailed => ErrorCategory.InvalidData,
        OpsErrorCode.TrustCacheWriteFailed => ErrorCategory.WriteError,
        OpsErrorCode.ServiceControlFailed => ErrorCategory.InvalidResult,
        OpsErrorCode.ServiceManagerUnavailable => ErrorCategory.ResourceUnavailable,
        OpsErrorCode.ScheduledCheckNotFound => ErrorCategory.ObjectNotFound,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>
    /// Errors that end a command instead of failing one item: the daemon refused the caller or the call as a whole
    /// (no role, no permission, another protocol, a server that is not the daemon), or the connection is gone. Every
    /// further item would fail the same way, so the command reports it once, as a terminating error.
    /// </summary>
    public static bool EndsCommand(OpsErrorCode code) => code is OpsErrorCode.Unavailable or OpsErrorCode.ProtocolMismatch
        or OpsErrorCode.Unauthorized or OpsErrorCode.PermissionDenied or OpsErrorCode.UntrustedPeer;

    public static ErrorRecord ToErrorRecord(OpsException ex, object? target = null)
    {
        var record = new ErrorRecord(ex, ex.Code.ToString(), CategoryOf(ex.Code), target ?? ex.Target);
        // The error view shows ErrorDetails.Message when there is one: the message escaped, as a daemon message can
        // quote input (a key name, a type) that carries terminal escape sequences.
        var message = TerminalText.Escape(ex.Message)!;
        if (!string.IsNullOrEmpty(ex.RecommendedAction) || !ReferenceEquals(message, ex.Message))
        {
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = TerminalText.Escape(ex.RecommendedAction, keepNewlines: true) };
        }
        return record;
    }
}

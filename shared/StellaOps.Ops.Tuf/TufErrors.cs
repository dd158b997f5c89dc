using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// The client's failures as <see cref="OpsException"/>s, so they cross the daemon's pipe unchanged: the code is one of
/// the Tuf* codes, the target is the role (or the target path), the recommended action says what an operator does.
/// </summary>
public static class TufErrors
{
    public static OpsException Invalid(string role, string what) =>
        new(OpsErrorCode.TufMetadataInvalid, $"TUF {role} metadata is invalid: {what}.", role,
            "The repository served malformed metadata: tell its operators; the client keeps the metadata it trusts.");

    /// <summary>
    /// A cache file that could not be written (a read-only or full file system, an immutable attribute, no permission).
    /// Says which path and what kind of failure, never the exception's own text; what the cache held before is kept.
    /// </summary>
    public static OpsException WriteFailed(string path, Exception cause)
    {
        var kind = cause switch
        {
            UnauthorizedAccessException => "permission denied (read-only, immutable or not this user's)",
            IOException io when (io.HResult & 0xFFFF) is 28 or 112 => "no space left on the device",
            IOException io when (io.HResult & 0xFFFF) is 30 => "the file system is read-only",
            _ => $"an I/O error ({cause.GetType().Name})",
        };
        return new OpsException(OpsErrorCode.TrustCacheWriteFailed, $"The trust cache file {path} could not be written: {kind}. Nothing new is trusted; what the cache held before is kept.", path,
            $"Make {Path.GetDirectoryName(path)} writable for the daemon (check 'ls -ld', 'lsattr -d', free space and the mount), then run 'stella trust sync'.");
    }

    public static OpsException RootInvalid(string what) =>
        new(OpsErrorCode.TufRootInvalid, $"TUF root metadata is refused: {what}.", "root",
            "Check that the repository URL is right and that the root you initialised with is the repository's; a rotation must be signed by the old and the new root keys.");

    public static OpsException ThresholdNotMet(string role, int valid, int threshold, string signer) =>
        new(OpsErrorCode.TufThresholdNotMet, $"TUF {role} metadata is signed by {valid} of the {threshold} distinct trusted {signer} keys it needs.", role,
            "The metadata is not trustworthy (tampered, or signed with keys the trusted root does not list): refused; tell the repository's operators.");

    public static OpsException Rollback(string role, string what) =>
        new(OpsErrorCode.TufRollback, $"TUF {role} metadata is a rollback: {what}.", role,
            "Someone serves older metadata than this client already trusts (a rollback attack or a broken mirror): refused; use another mirror or tell its operators.");

    public static OpsException Expired(string role, DateTimeOffset expires) =>
        new(OpsErrorCode.TufExpired, $"TUF {role} metadata expired at {expires:yyyy-MM-ddTHH:mm:ssZ}.", role,
            "The repository serves expired metadata (a freeze attack, or its signing stopped): refused; check the clock, then tell the repository's operators.");

    public static OpsException VersionMismatch(string role, long expected, long actual) =>
        new(OpsErrorCode.TufVersionMismatch, $"TUF {role} metadata has version {actual}, but its trusted parent lists version {expected}.", role,
            "The repository mixes files of different releases (mix-and-match, or a mirror caught mid-update): refused; retry later or use another mirror.");

    public static OpsException HashMismatch(string role, string algorithm) =>
        new(OpsErrorCode.TufHashMismatch, $"The {algorithm} hash of '{role}' differs from the one its trusted metadata lists.", role,
            "The file was altered in transit or on the repository: refused; retry, use another mirror, or tell the repository's operators.");

    public static OpsException LengthExceeded(string role, long limit, string which) =>
        new(OpsErrorCode.TufLengthExceeded, $"'{role}' is longer than {which} ({limit} bytes): the download was stopped.", role,
            "The repository served more data than trusted metadata allows (endless data): refused; tell the repository's operators.");

    public static OpsException LengthMismatch(string role, long expected, long actual) =>
        new(OpsErrorCode.TufLengthExceeded, $"'{role}' has {actual} bytes, but its trusted metadata lists {expected}.", role,
            "The file was altered in transit or on the repository: refused; retry, use another mirror, or tell the repository's operators.");

    public static OpsException RoleNotListed(string role, string parent) =>
        new(OpsErrorCode.TufRoleNotListed, $"TUF {parent} metadata does not list '{role}'.", role,
            "The repository's metadata is incomplete: tell its operators.");

    public static OpsException TargetNotFound(string path) =>
        new(OpsErrorCode.TufTargetNotFound, $"No trusted TUF targets role lists '{path}'.", path,
            "Check the target name; the repository may not publish it (yet).");

    public static OpsException DelegationLimit(string path, int max) =>
        new(OpsErrorCode.TufDelegationLimitReached, $"'{path}' was not found within the first {max} delegated roles the search visited.", path,
            "The repository's delegation graph is too large for this client's limit (MaxDelegations): raise it only if you trust the repository's layout.");

    public static OpsException Workflow(string what) =>
        new(OpsErrorCode.TufWorkflowViolation, $"TUF client workflow: {what}.", null, "This is a bug in the caller: load metadata in the order root, timestamp, snapshot, targets.");
}

namespace StellaOps.Ops.Transparency.Verification;

/// <summary>Why a log entry did not verify; the metrics' and events' reason label.</summary>
public enum LogEntryProblem
{
    /// <summary>No trusted log has the entry's log id: an unknown log or a wrong log key.</summary>
    UnknownLog,
    /// <summary>The log key was not valid (per the trusted root) at the entry's time.</summary>
    LogKeyNotValid,
    /// <summary>The entry's body is not about this envelope (other content, other signature, other key).</summary>
    BodyMismatch,
    /// <summary>The inclusion proof does not lead to the checkpoint's root (a forged or wrong proof), or is missing.</summary>
    InclusionProofInvalid,
    /// <summary>The checkpoint is malformed, not signed by the log's key, or for another tree than the proof.</summary>
    CheckpointInvalid,
    /// <summary>The SET does not verify with the log's key, or a v1 entry carries none.</summary>
    SignedEntryTimestampInvalid,
}

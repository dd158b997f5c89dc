namespace StellaOps.Ops.Transparency.Clients;

/// <summary>Why a log call failed, as counted in <c>attestor_tlog_submission_failures_total{reason}</c>.</summary>
public enum LogFailureReason
{
    /// <summary>5xx, 408, a timeout or a dropped connection, after the retries.</summary>
    Unavailable,
    /// <summary>429 after the retries (each honouring Retry-After).</summary>
    RateLimited,
    /// <summary>The backend's circuit breaker is open: not tried.</summary>
    CircuitOpen,
    /// <summary>A 4xx other than 408/409/429: the log refused the entry.</summary>
    Rejected,
    /// <summary>The answer is not what the API defines (not JSON, missing fields, too large).</summary>
    MalformedAnswer,
    /// <summary>The answer was read but does not verify (proof, checkpoint, SET, log key, body): see the verification.</summary>
    VerificationFailed,
    /// <summary>The log's tree is not an append-only extension of a checkpoint verified before (a fork, a rewritten or shrunk tree).</summary>
    Inconsistent,
}

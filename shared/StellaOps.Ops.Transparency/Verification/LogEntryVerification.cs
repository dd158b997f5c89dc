using StellaOps.Ops.Attestation.Sigstore;

namespace StellaOps.Ops.Transparency.Verification;

/// <summary>
/// The outcome of checking one log entry: verified, or the first problem with what was wrong; the log (trusted
/// root entry) it was checked against and the time the log key was judged at.
/// </summary>
public sealed record LogEntryVerification(bool Verified, LogEntryProblem? Problem, string Detail, TransparencyLogInstance? Log, DateTimeOffset? At)
{
    public static LogEntryVerification Fail(LogEntryProblem problem, string detail, TransparencyLogInstance? log = null, DateTimeOffset? at = null)
        => new(false, problem, detail, log, at);
}

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// One log entry's check: verified or why not, and the log it is in. <paramref name="IntegratedTime"/> is the time
/// the log says it integrated the entry, given only for an entry that verified with a signed time (a Rekor v1 SET
/// over {body, integratedTime, logID, logIndex}, by a log key valid at that time); v2 entries carry none.
/// </summary>
public sealed record TransparencyLogEntryResult(bool Verified, string Detail, string? Log, DateTimeOffset? IntegratedTime = null);

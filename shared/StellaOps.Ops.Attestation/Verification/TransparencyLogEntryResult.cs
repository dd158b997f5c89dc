namespace StellaOps.Ops.Attestation.Verification;

/// <summary>One log entry's check: verified or why not, and the log it is in.</summary>
public sealed record TransparencyLogEntryResult(bool Verified, string Detail, string? Log);

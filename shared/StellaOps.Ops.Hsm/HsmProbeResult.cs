namespace StellaOps.Ops.Hsm;

/// <summary>Result of a keep-alive probe (session info plus a real token operation).</summary>
public sealed record HsmProbeResult(string HsmName, bool Success, TimeSpan Latency, DateTimeOffset Timestamp, HsmErrorKind? ErrorKind = null, string? Error = null);

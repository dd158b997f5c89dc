namespace StellaOps.Ops.Hsm;

/// <summary>Result of <see cref="HsmConnection.TestLoginAsync"/>.</summary>
public sealed record HsmLoginTestResult(bool Success, bool WasAlreadyLoggedIn, TimeSpan Latency, HsmErrorKind? ErrorKind, string? Error);

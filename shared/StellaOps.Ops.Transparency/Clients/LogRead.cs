using StellaOps.Ops.Transparency.Entries;

namespace StellaOps.Ops.Transparency.Clients;

/// <summary>An entry read from a log (not submitted), with its inclusion proof, unverified; v1's entry UUID.</summary>
public sealed record LogRead(LogEntry Entry, string? Uuid);

using StellaOps.Ops.Transparency.Entries;

namespace StellaOps.Ops.Transparency.Clients;

/// <summary>A log's answer to a submission: the entry, whether it was there already (v1 409), and v1's entry UUID.</summary>
public sealed record LogSubmission(LogEntry Entry, bool AlreadyLogged, string? Uuid);

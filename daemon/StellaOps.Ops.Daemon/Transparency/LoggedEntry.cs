using StellaOps.Ops.Transparency.Entries;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>A verified log entry to store for an attestation: where it was logged, the entry, v1's UUID, v2's RFC 3161 token.</summary>
public sealed record LoggedEntry(string AttestationId, string Backend, int ApiVersion, LogEntry Entry, string? Uuid, byte[]? TimestampToken, string SigningKeyId, bool AlreadyLogged);

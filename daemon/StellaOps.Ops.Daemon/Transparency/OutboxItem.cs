namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>One queued attestation: which, by which key, since when, how many attempts so far.</summary>
public sealed record OutboxItem(string AttestationId, string KeyId, DateTimeOffset EnqueuedAt, int Attempts);

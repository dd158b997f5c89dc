namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// An audit intent still open in the database: the id of its "started" audit event, who did what, and the JSON the
/// subject wrote about what it was about to change, so that the start-up settling can tell whether it happened.
/// </summary>
public sealed record AuditIntentRecord(long Id, string Subject, string Action, string Caller, string Detail, DateTimeOffset StartedAt, string Intent);

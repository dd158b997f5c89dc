namespace StellaOps.Ops.Daemon.Trust;

/// <summary>One operator's approval of an issuer.</summary>
public sealed record IssuerApprovalRecord(string IssuerId, string Approver, int ApproverUid, DateTimeOffset ApprovedAt, string Reason);

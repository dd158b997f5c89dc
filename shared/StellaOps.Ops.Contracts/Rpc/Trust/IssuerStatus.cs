namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>Whether an issuer is trusted: approved by enough operators, still waiting for approvals, or revoked.</summary>
public enum IssuerStatus
{
    Trusted,
    PendingApproval,
    Revoked,
}

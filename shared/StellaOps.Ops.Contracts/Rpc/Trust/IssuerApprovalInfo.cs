using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>Who approved an issuer, when and why; <see cref="Counts"/> is false for an approval given before a revocation.</summary>
public sealed record IssuerApprovalInfo
{
    public string ApprovedBy { get; init; } = "";
    public int ApproverUid { get; init; }
    public DateTimeOffset ApprovedAt { get; init; }
    public string Reason { get; init; } = "";
    public bool Counts { get; init; }

    public override string ToString() => $"{ApprovedBy} {DisplayText.Date(ApprovedAt)}: {Reason}";
}

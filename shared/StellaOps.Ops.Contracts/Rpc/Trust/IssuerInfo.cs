namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>An issuer: its keys, whether it is trusted and why, who approved it, and where its document came from.</summary>
public sealed record IssuerInfo
{
    public string Id { get; init; } = "";
    public IssuerStatus Status { get; init; }
    public bool Trusted => Status == IssuerStatus.Trusted;
    /// <summary>Why it is (not) trusted, in words: approvals counted against the rule, or the revocation.</summary>
    public string Reason { get; init; } = "";
    public IssuerKeyInfo[] Keys { get; init; } = [];
    public IssuerApprovalInfo[] Approvals { get; init; } = [];
    /// <summary>Distinct operators whose approval counts, and how many the rule (<c>issuers.approval.required</c>) needs.</summary>
    public int ApprovalCount { get; init; }
    public int ApprovalsRequired { get; init; }
    public string Source { get; init; } = "";
    /// <summary>The version and issue time of the document accepted last.</summary>
    public long DocumentVersion { get; init; }
    public DateTimeOffset? DocumentIssuedAt { get; init; }
    /// <summary>The key ids whose signatures on that document verified.</summary>
    public string[] DocumentSignedBy { get; init; } = [];
    public DateTimeOffset? FetchedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedBy { get; init; }
    public string? RevocationReason { get; init; }

    public override string ToString() => $"{Id} {Status}";
}

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record TrustAnchorQuery
{
    /// <summary>An anchor id or id prefix; null lists all.</summary>
    public string? Id { get; init; }
    public TrustAnchorKind? Kind { get; init; }
}

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>One service of the signing config (kind tlog, tsa, ca, oidc), and whether the spec's selection uses it now.</summary>
public sealed record TrustEndpoint
{
    public string Kind { get; init; } = "";
    public string Url { get; init; } = "";
    public int MajorApiVersion { get; init; }
    public string Operator { get; init; } = "";
    public DateTimeOffset ValidFrom { get; init; }
    public DateTimeOffset? ValidUntil { get; init; }
    public bool Selected { get; init; }
}

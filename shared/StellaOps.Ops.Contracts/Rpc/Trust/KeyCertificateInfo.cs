namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>A key's stored certificate: the leaf and the chain above it, who set it and when.</summary>
public sealed record KeyCertificateInfo
{
    public string KeyId { get; init; } = "";
    public CertificateSummary Leaf { get; init; } = new();
    /// <summary>The links above the leaf, nearest first.</summary>
    public CertificateSummary[] Chain { get; init; } = [];
    public string SetBy { get; init; } = "";
    public DateTimeOffset SetAt { get; init; }
    /// <summary>The leaf then the chain, as PEM.</summary>
    public string Pem { get; init; } = "";
    /// <summary>What the operator should know (the chain does not reach a trust anchor yet).</summary>
    public string[] Warnings { get; init; } = [];

    public override string ToString() => $"{Leaf.Subject} (+{Chain.Length} link{(Chain.Length == 1 ? "" : "s")})";
}

using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>One key of an issuer with the window of signing times it is trusted for.</summary>
public sealed record IssuerKeyInfo
{
    public string KeyId { get; init; } = "";
    public KeyAlgorithm Algorithm { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NotAfter { get; init; }
    public IssuerKeyStatus Status { get; init; }
    public string Pem { get; init; } = "";

    public override string ToString() => $"{DisplayText.ShortKeyId(KeyId)} {Status} until {(NotAfter is { } a ? DisplayText.Date(a) : "-")}";
}

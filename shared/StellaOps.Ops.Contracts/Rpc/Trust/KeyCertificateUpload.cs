namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>PEM certificates sent to the daemon: the leaf first, then its chain (or, for a chain update, extra links).</summary>
public sealed record KeyCertificateUpload : IAuditDescribed
{
    public string Pem { get; init; } = "";

    /// <summary>The most PEM text an upload may carry (a leaf and a few links).</summary>
    public const int MaxPemLength = 256 * 1024;

    public string DescribeForAudit() => $"{Pem.Length} characters of PEM";
}

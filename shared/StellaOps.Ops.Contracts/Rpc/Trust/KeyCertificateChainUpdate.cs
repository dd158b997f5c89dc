namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>What rebuilding a key's chain changed: the links added and removed, and the chain now stored.</summary>
public sealed record KeyCertificateChainUpdate
{
    public string KeyId { get; init; } = "";
    public bool Changed { get; init; }
    public CertificateSummary[] Added { get; init; } = [];
    public CertificateSummary[] Removed { get; init; } = [];
    public KeyCertificateInfo Certificate { get; init; } = new();
    /// <summary>The change in words ("added intermediate CN=…; removed …", or "the chain is unchanged").</summary>
    public string Message { get; init; } = "";

    public override string ToString() => Message;
}

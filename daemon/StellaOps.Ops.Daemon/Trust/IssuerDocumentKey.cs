namespace StellaOps.Ops.Daemon.Trust;

/// <summary>One key of an issuer document: its public key and the window of signing times it is good for.</summary>
public sealed record IssuerDocumentKey
{
    public string KeyId { get; init; } = "";
    public string Algorithm { get; init; } = "";
    public string PublicKey { get; init; } = "";
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NotAfter { get; init; }
    /// <summary>active, retired or revoked.</summary>
    public string Status { get; init; } = "active";
}

using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>One trust anchor as stored: what it is, its validity, who added it and when.</summary>
public sealed record TrustAnchorInfo
{
    /// <summary>Lower-case hex SHA-256 fingerprint of the certificate DER, or the key id (SHA-256 of the SPKI DER).</summary>
    public string Id { get; init; } = "";
    public TrustAnchorKind Kind { get; init; }
    /// <summary>The certificate's subject, or the key's algorithm for a key.</summary>
    public string Subject { get; init; } = "";
    /// <summary>The certificate's issuer; empty for a key.</summary>
    public string Issuer { get; init; } = "";
    public string? SerialNumber { get; init; }
    public KeyAlgorithm? Algorithm { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    /// <summary>The certificate's NotAfter, or a key's -Expires.</summary>
    public DateTimeOffset? NotAfter { get; init; }
    public TrustAnchorStatus Status { get; init; }
    public string AddedBy { get; init; } = "";
    public DateTimeOffset AddedAt { get; init; }
    /// <summary>The PEM of the certificate or public key.</summary>
    public string Pem { get; init; } = "";
    /// <summary>False when an add found the anchor already there (nothing changed).</summary>
    public bool Created { get; init; }
    /// <summary>What the operator should know about the anchor (an intermediate that chains to no anchor yet).</summary>
    public string[] Warnings { get; init; } = [];

    public override string ToString() => $"{Kind} {DisplayText.ShortKeyId(Id)} {Subject}";
}

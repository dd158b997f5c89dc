using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record KeyInfo
{
    /// <summary>Lowercase hex SHA-256 of the SubjectPublicKeyInfo DER.</summary>
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public KeyType Type { get; init; }
    public KeyAlgorithm Algorithm { get; init; }
    public KeyProvider Provider { get; init; }
    public string Purpose { get; init; } = "";
    public KeyStatus Status { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset NotBefore { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? ActivatedAt { get; init; }
    public DateTimeOffset? RetiredAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevocationReason { get; init; }
    /// <summary>Until when signatures made with this key verify (expiry, or retirement plus the overlap).</summary>
    public DateTimeOffset VerifyUntil { get; init; }
    /// <summary>Which HSM (primary label) or "software" holds the private key.</summary>
    public string Location { get; init; } = "";
    public string? ReplacedBy { get; init; }
    public string? Replaces { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }

    /// <summary>How a key reads inside another object (AttestorStatus.SigningKey, a rotation result): who it is, what it is, until when.</summary>
    public override string ToString() => $"{DisplayText.ShortKeyId(Id)} {Name} ({Algorithm.ToName()}, {Provider}, {Status}, expires {DisplayText.Date(ExpiresAt)})";
}

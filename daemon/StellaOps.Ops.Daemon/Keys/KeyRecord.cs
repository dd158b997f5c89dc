using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// A key as stored. <see cref="StoredStatus"/> is what an operator or the rotation timer set (Active, Inactive,
/// Retired, Revoked); Expired is derived from the clock, so a key expires on time even while the daemon is down.
/// </summary>
public sealed record KeyRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public KeyType Type { get; init; } = KeyType.Signing;
    public required KeyAlgorithm Algorithm { get; init; }
    public required KeyProvider Provider { get; init; }
    public required string Purpose { get; init; }
    public required KeyStatus StoredStatus { get; init; }
    public required byte[] SubjectPublicKeyInfo { get; init; }
    public byte[]? HsmCkaId { get; init; }
    public byte[]? SealedPrivateKey { get; init; }
    public required string Location { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? ActivatedAt { get; init; }
    public DateTimeOffset? RetiredAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevocationReason { get; init; }
    public required DateTimeOffset VerifyUntil { get; init; }
    public string? ReplacedBy { get; init; }
    public string? Replaces { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    /// <summary>0 none, 1 warning sent, 2 critical sent: each expiry alert is raised once.</summary>
    public int AlertLevel { get; init; }

    public TimeSpan Validity => ExpiresAt - NotBefore;

    public KeyStatus StatusAt(DateTimeOffset now) => StoredStatus switch
    {
        KeyStatus.Active or KeyStatus.Inactive when now >= ExpiresAt => KeyStatus.Expired,
        _ => StoredStatus,
    };

    public KeyInfo ToInfo(DateTimeOffset now) => new()
    {
        Id = Id,
        Name = Name,
        Type = Type,
        Algorithm = Algorithm,
        Provider = Provider,
        Purpose = Purpose,
        Status = StatusAt(now),
        CreatedAt = CreatedAt,
        NotBefore = NotBefore,
        ExpiresAt = ExpiresAt,
        ActivatedAt = ActivatedAt,
        RetiredAt = RetiredAt,
        RevokedAt = RevokedAt,
        RevocationReason = RevocationReason,
        VerifyUntil = VerifyUntil,
        Location = Location,
        ReplacedBy = ReplacedBy,
        Replaces = Replaces,
        PublishedAt = PublishedAt,
    };
}

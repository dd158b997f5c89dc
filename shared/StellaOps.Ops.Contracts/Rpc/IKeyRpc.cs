using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>Signing keys and their whole life (runbook "signing key expired").</summary>
[JsonRpcContract]
public partial interface IKeyRpc
{
    [RequiresRole(CallerRole.Reader)]
    Task<KeyInfo[]> ListAsync(KeyQuery query, CancellationToken cancellationToken);

    /// <summary>A key by its id (or an unambiguous id prefix of at least 8 characters).</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<KeyInfo> GetAsync(string id, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Reader)]
    Task<PublicKeyInfo> GetPublicKeyAsync(string id, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Operator)]
    Task<KeyInfo> GenerateAsync(KeyGenerationRequest request, CancellationToken cancellationToken);

    /// <summary>Makes the key the active one for its purpose; the previous active key becomes inactive.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<KeyInfo> ActivateAsync(string id, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Operator)]
    Task<KeyInfo> RegisterAsync(string id, string purpose, CancellationToken cancellationToken);

    /// <summary>Signs random data with the key and verifies it with the public key.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<KeyTestResult> TestAsync(string id, KeyOperation operation, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Reader)]
    Task<KeyEvent[]> GetHistoryAsync(string? id, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Operator)]
    Task<KeyInfo> RevokeAsync(string id, string reason, CancellationToken cancellationToken);

    /// <summary>Writes the public key into the issuer directory that verification trusts.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<PublishedKey> PublishAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces the key (or the active key) with a new one of the same kind and activates it; the old one stays valid for verification for the overlap.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<KeyRotationResult> RotateAsync(string? id, CancellationToken cancellationToken);
}

public enum KeyType { Signing }

public enum KeyStatus { Active, Inactive, Expired, Retired, Revoked }

public enum KeyProvider { Hsm, Software }

public enum KeyOperation { Sign }

public sealed record KeyQuery
{
    public KeyType? Type { get; init; }
    public KeyStatus? Status { get; init; }
    /// <summary>Keys (not revoked or retired) whose expiry falls within this window from now.</summary>
    public Duration? ExpiringWithin { get; init; }
    /// <summary>Name filter with wildcards.</summary>
    public string? Name { get; init; }
    public string? Purpose { get; init; }
}

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

public sealed record PublicKeyInfo
{
    public string Id { get; init; } = "";
    public KeyAlgorithm Algorithm { get; init; }
    public string Pem { get; init; } = "";

    /// <summary>The PEM text itself: what a verifier or openssl reads.</summary>
    public override string ToString() => Pem;
}

public sealed record KeyGenerationRequest
{
    public KeyType Type { get; init; } = KeyType.Signing;
    public KeyAlgorithm Algorithm { get; init; } = KeyAlgorithm.EcdsaP256;
    public Duration Validity { get; init; } = Duration.Parse("365d");
    public string? Name { get; init; }
    /// <summary>HSM slot (label, serial or slot id) to generate in; null for the configured token.</summary>
    public string? HsmSlot { get; init; }
    /// <summary>Null: follow attest.signing.mode.</summary>
    public KeyProvider? Provider { get; init; }
    public string Purpose { get; init; } = "attestation-signing";
}

public sealed record KeyTestResult
{
    public string Id { get; init; } = "";
    public KeyOperation Operation { get; init; }
    public bool Success { get; init; }
    public KeyAlgorithm Algorithm { get; init; }
    public KeyProvider Provider { get; init; }
    public TimeSpan Latency { get; init; }
    public string Message { get; init; } = "";
}

public sealed record KeyEvent
{
    public long Sequence { get; init; }
    public DateTimeOffset Timestamp { get; init; }
    public string KeyId { get; init; } = "";
    public string Event { get; init; } = "";
    public string Detail { get; init; } = "";
    public string Actor { get; init; } = "";
}

public sealed record PublishedKey
{
    public string Id { get; init; } = "";
    public string Path { get; init; } = "";
    public DateTimeOffset PublishedAt { get; init; }
}

public sealed record KeyRotationResult
{
    public KeyInfo Retired { get; init; } = new();
    public KeyInfo Replacement { get; init; } = new();
}

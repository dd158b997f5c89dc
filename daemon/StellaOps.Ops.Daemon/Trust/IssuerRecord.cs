namespace StellaOps.Ops.Daemon.Trust;

/// <summary>An issuer as stored: where its document came from, the version accepted last and any revocation.</summary>
public sealed record IssuerRecord
{
    public required string Id { get; init; }
    public required string Source { get; init; }
    public required long DocumentVersion { get; init; }
    public required DateTimeOffset DocumentIssuedAt { get; init; }
    public required string[] DocumentSignedBy { get; init; }
    public required byte[] Document { get; init; }
    public required DateTimeOffset FetchedAt { get; init; }
    public required string FetchedBy { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedBy { get; init; }
    public string? RevocationReason { get; init; }
}

using System.Text.Json;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>An attestation as stored: the statement bytes exactly as signed, and the envelope once it is signed.</summary>
public sealed record AttestationRecord
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string PredicateType { get; init; }
    public required IReadOnlyList<AttestationSubject> Subjects { get; init; }
    public required byte[] Statement { get; init; }
    public required string StatementDigest { get; init; }
    public required AttestationStatus Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? SignedAt { get; init; }
    public string? KeyId { get; init; }
    public KeyAlgorithm? Algorithm { get; init; }
    public byte[]? Envelope { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }
    public string? FailureCode { get; init; }
    public string? FailureReason { get; init; }
    public string? ClaimedBy { get; init; }

    public AttestationInfo ToInfo(bool details = false, IReadOnlyList<AttestationEvent>? history = null) => new()
    {
        Id = Id,
        Type = Type,
        PredicateType = PredicateType,
        Subjects = Subjects,
        Status = Status,
        CreatedAt = CreatedAt,
        CreatedBy = CreatedBy,
        SignedAt = SignedAt,
        KeyId = KeyId,
        Algorithm = Algorithm,
        Attempts = Attempts,
        LastAttemptAt = LastAttemptAt,
        FailureCode = FailureCode,
        FailureReason = FailureReason,
        StatementDigest = StatementDigest,
        Statement = details ? System.Text.Encoding.UTF8.GetString(Statement) : null,
        Envelope = details && Envelope is not null ? System.Text.Encoding.UTF8.GetString(Envelope) : null,
        History = details ? history : null,
    };

    internal static string SubjectsJson(IReadOnlyList<AttestationSubject> subjects) => JsonSerializer.Serialize(subjects, RpcJson.Options);

    internal static IReadOnlyList<AttestationSubject> ParseSubjects(string json) =>
        JsonSerializer.Deserialize<AttestationSubject[]>(json, RpcJson.Options) ?? [];
}

/// <summary>The outcome of one signing, written back to its row.</summary>
public sealed record SigningOutcome(string Id, byte[]? Envelope, string? KeyId, KeyAlgorithm? Algorithm, OpsException? Error, bool Resign);

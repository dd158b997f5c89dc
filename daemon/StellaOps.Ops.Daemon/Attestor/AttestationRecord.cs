using System.Text.Json;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>
/// An attestation as stored: the statement bytes exactly as signed, once, and the signature once it is signed; the
/// envelope is the two together (<see cref="SignedEnvelope"/>). Rows signed before schema 5 kept a whole envelope.
/// </summary>
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
    /// <summary>The DSSE signature (wire format) by <see cref="KeyId"/> over the statement's PAE.</summary>
    public byte[]? Signature { get; init; }
    /// <summary>A whole envelope, as rows signed before schema 5 kept it (the statement a second time).</summary>
    public byte[]? LegacyEnvelope { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }
    public string? FailureCode { get; init; }
    public string? FailureReason { get; init; }
    public string? FailureAction { get; init; }
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
        Failure = FailureCode is null ? null : new OpsError
        {
            Code = Enum.TryParse<OpsErrorCode>(FailureCode, out var code) ? code : OpsErrorCode.SigningFailed,
            Message = FailureReason ?? "",
            Target = Id,
            RecommendedAction = FailureAction,
        },
        StatementDigest = StatementDigest,
        Statement = details ? System.Text.Encoding.UTF8.GetString(Statement) : null,
        Envelope = details && SignedEnvelope() is { } envelope ? envelope.ToJson() : null,
        History = details ? history : null,
    };

    /// <summary>The signed envelope: the statement with its signature (or, for an older row, the envelope it kept); null while unsigned.</summary>
    public DsseEnvelope? SignedEnvelope()
    {
        if (Signature is not null) return new DsseEnvelope(DsseEnvelope.InTotoPayloadType, Statement, [new DsseSignature(KeyId, Signature)]);
        if (LegacyEnvelope is null) return null;
        return DsseEnvelope.TryParse(LegacyEnvelope, out var legacy, out _) ? legacy : null;
    }

    internal static string SubjectsJson(IReadOnlyList<AttestationSubject> subjects) => JsonSerializer.Serialize(subjects, RpcJson.Options);

    internal static IReadOnlyList<AttestationSubject> ParseSubjects(string json) =>
        JsonSerializer.Deserialize<AttestationSubject[]>(json, RpcJson.Options) ?? [];
}

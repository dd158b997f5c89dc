using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record AttestationInfo
{
    public string Id { get; init; } = "";
    /// <summary>The short type asked for (<c>test</c>), or the predicate type when it was given as a URI.</summary>
    public string Type { get; init; } = "";
    public string PredicateType { get; init; } = "";
    public IReadOnlyList<AttestationSubject> Subjects { get; init; } = [];
    public AttestationStatus Status { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset? SignedAt { get; init; }
    public string? KeyId { get; init; }
    public KeyAlgorithm? Algorithm { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }
    /// <summary>Why the last signing failed (code, message, what to do), while the attestation is Failed; null otherwise.</summary>
    public OpsError? Failure { get; init; }
    /// <summary>sha256:hex of the statement bytes (the DSSE payload).</summary>
    public string StatementDigest { get; init; } = "";
    /// <summary>Only from <see cref="IAttestRpc.GetAsync"/>: the statement JSON.</summary>
    public string? Statement { get; init; }
    /// <summary>Only from <see cref="IAttestRpc.GetAsync"/>: the DSSE envelope JSON, when signed.</summary>
    public string? Envelope { get; init; }
    /// <summary>Only from <see cref="IAttestRpc.GetAsync"/>: what happened to it, oldest first.</summary>
    public IReadOnlyList<AttestationEvent>? History { get; init; }

    public override string ToString() => $"{Id} {Type} {Status} for {string.Join(", ", Subjects)}";
}

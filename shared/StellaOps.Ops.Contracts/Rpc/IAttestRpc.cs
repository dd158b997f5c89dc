using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// The attestor (runbook "signature generation failures"): evidence is recorded first, then signed as an in-toto
/// DSSE attestation. A failed signing keeps the attestation as <see cref="AttestationStatus.Failed"/>, never drops it.
/// </summary>
[JsonRpcContract]
public partial interface IAttestRpc
{
    /// <summary>
    /// Records each statement durably, then signs it. Batched: the evidence of the whole batch is committed before
    /// any signing starts. An item whose signing failed comes back with its attestation (status Failed) and its error.
    /// </summary>
    [RequiresRole(CallerRole.Operator)]
    Task<AttestationResult[]> CreateAsync(AttestationRequest[] requests, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<AttestationInfo[]> ListAsync(AttestationQuery query, CancellationToken cancellationToken);

    /// <summary>An attestation by id (or an unambiguous id prefix of at least 8 characters), with its statement, envelope and history.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<AttestationInfo> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Signs failed (and interrupted) attestations again, or re-signs given ones with the current key.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<AttestationResult[]> RetryAsync(AttestationRetryRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Signs and verifies a throwaway statement (nothing is stored), reporting each step.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<SigningTestResult> TestSigningAsync(CancellationToken cancellationToken);

    /// <summary>Checks that each stored envelope still matches its statement and its signature verifies.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<IntegrityResult[]> CheckIntegrityAsync(string[] ids, CancellationToken cancellationToken);

    /// <summary>The attestation as a DSSE envelope or a Sigstore bundle v0.3 (JSON text); the client writes the file.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<AttestationExport> ExportAsync(string id, AttestationExportFormat format, CancellationToken cancellationToken);

    /// <summary>Signing mode, the key the attestor signs with, counts by status and the last failure.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<AttestorStatus> GetStatusAsync(CancellationToken cancellationToken);
}

/// <summary>Pending: recorded, not signed yet (or interrupted). Signed: has an envelope. Failed: signing failed; retryable.</summary>
public enum AttestationStatus { Pending, Signed, Failed }

public enum AttestationExportFormat { Dsse, SigstoreBundle }

public sealed record AttestationSubject
{
    public string Name { get; init; } = "";
    /// <summary>Algorithm (sha256, sha512) → lowercase hex.</summary>
    public IReadOnlyDictionary<string, string> Digest { get; init; } = new Dictionary<string, string>();

    /// <summary><c>name@sha256:hex</c>, the way the in-toto subject reads.</summary>
    public override string ToString() => $"{Name}@{string.Join(",", Digest.Select(d => $"{d.Key}:{d.Value}"))}";
}

public sealed record AttestationRequest : IAuditDescribed
{
    /// <summary>A short type (<c>test</c>, <c>provenance</c>, <c>sbom</c>, …) or a predicate type URI.</summary>
    public string Type { get; init; } = "";
    public IReadOnlyList<AttestationSubject> Subjects { get; init; } = [];
    /// <summary>The predicate as a JSON object text; null for an empty predicate.</summary>
    public string? PredicateJson { get; init; }
    /// <summary>Create a new attestation even if one of this type already exists for the subject.</summary>
    public bool Force { get; init; }

    /// <summary>Type and first subject (name@algorithm:hex); the predicate is evidence data and is not audited.</summary>
    public string DescribeForAudit()
    {
        var first = Subjects.Count == 0 ? "no subject"
            : Subjects[0].Name + string.Concat(Subjects[0].Digest.Take(1).Select(d => "@" + d.Key + ":" + d.Value));
        if (first.Length > 160) first = first[..160] + "…";
        var type = Type.Length > 100 ? Type[..100] + "…" : Type;
        return $"{type} for {first}{(Subjects.Count > 1 ? $" (+{Subjects.Count - 1} subjects)" : "")}{(Force ? ", force" : "")}";
    }
}

public sealed record AttestationResult
{
    public AttestationInfo? Attestation { get; init; }
    /// <summary>True when no new attestation was made because the subject already had one of this type (no Force).</summary>
    public bool Existing { get; init; }
    public OpsError? Error { get; init; }
}

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

public sealed record AttestationEvent
{
    public DateTimeOffset Timestamp { get; init; }
    /// <summary>created, signed, sign-failed, interrupted, resigned.</summary>
    public string Event { get; init; } = "";
    public string Detail { get; init; } = "";
    public string? KeyId { get; init; }
    public string Actor { get; init; } = "";
    /// <summary>For sign-failed and resign-failed: the error (code, message, what to do); <see cref="Detail"/> is its message.</summary>
    public OpsError? Error { get; init; }

    public override string ToString()
        => $"{DisplayText.Time(Timestamp)} {Event} by {Actor}{(string.IsNullOrEmpty(KeyId) ? "" : " key " + DisplayText.ShortKeyId(KeyId))} {(Error is null ? "" : Error.Code + ": ")}{Detail}".TrimEnd();
}

public sealed record AttestationQuery
{
    public string? Id { get; init; }
    public AttestationStatus? Status { get; init; }
    public DateTimeOffset? Since { get; init; }
    /// <summary>Created within this window from now.</summary>
    public Duration? Last { get; init; }
    /// <summary>Subject name (wildcards) or digest (<c>sha256:hex</c>).</summary>
    public string? Subject { get; init; }
    public string? Type { get; init; }
    /// <summary>At most this many, newest first; null for the daemon's default (1000).</summary>
    public int? Limit { get; init; }
}

public sealed record AttestationRetryRequest
{
    /// <summary>Specific attestations; with <see cref="Resign"/> they are signed again even if already signed.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];
    /// <summary>All Failed and interrupted (Pending from before this daemon started) attestations in the window.</summary>
    public bool Failed { get; init; }
    public Duration? Last { get; init; }
    public DateTimeOffset? Since { get; init; }
    /// <summary>
    /// With <see cref="Failed"/>: one call takes at most <see cref="Protocol.MaxBatchItems"/> attestations, in id order;
    /// the next call passes the last id it got here to go on after it.
    /// </summary>
    public string? AfterId { get; init; }
    /// <summary>Sign signed attestations again with the current key (the previous envelope stays in the history).</summary>
    public bool Resign { get; init; }
}

public sealed record SigningTestResult
{
    public bool Success { get; init; }
    public string? KeyId { get; init; }
    public KeyAlgorithm? Algorithm { get; init; }
    public string SigningMode { get; init; } = "";
    public IReadOnlyList<SigningTestStep> Steps { get; init; } = [];
    /// <summary>The first failed step's error, when any.</summary>
    public OpsError? Error { get; init; }
}

public sealed record SigningTestStep
{
    /// <summary>resolve-key, key-valid, build-statement, sign, verify, …</summary>
    public string Name { get; init; } = "";
    public bool Success { get; init; }
    public TimeSpan Duration { get; init; }
    public string Message { get; init; } = "";

    public override string ToString() => $"{(Success ? "ok  " : "FAIL")} {Name} ({Duration.TotalMilliseconds:N1} ms) {Message}".TrimEnd();
}

public sealed record IntegrityResult
{
    public string Id { get; init; } = "";
    public bool Intact { get; init; }
    public AttestationStatus Status { get; init; }
    public IReadOnlyList<IntegrityCheck> Checks { get; init; } = [];
}

public sealed record IntegrityCheck
{
    /// <summary>statement-digest, envelope-payload, payload-type, signature, key-known.</summary>
    public string Name { get; init; } = "";
    public bool Passed { get; init; }
    public string Message { get; init; } = "";

    public override string ToString() => Passed ? $"{Name}: ok" : $"{Name}: FAILED {Message}".TrimEnd();
}

public sealed record AttestationExport
{
    public string Id { get; init; } = "";
    public AttestationExportFormat Format { get; init; }
    public string MediaType { get; init; } = "";
    public string Content { get; init; } = "";
    /// <summary>A file name to suggest when the caller names only a folder.</summary>
    public string SuggestedFileName { get; init; } = "";
}

public sealed record AttestorStatus
{
    /// <summary>hsm or software (attest.signing.mode).</summary>
    public string SigningMode { get; init; } = "";
    /// <summary>attest.signing.key_id when set.</summary>
    public string? ConfiguredKeyId { get; init; }
    /// <summary>The key the attestor would sign with now; null when there is none usable (see <see cref="KeyProblem"/>).</summary>
    public KeyInfo? SigningKey { get; init; }
    /// <summary>Why there is no usable signing key (none active, expired, revoked, …).</summary>
    public OpsError? KeyProblem { get; init; }
    public long Pending { get; init; }
    public long Signed { get; init; }
    public long Failed { get; init; }
    public DateTimeOffset? LastSignedAt { get; init; }
    public AttestationFailure? LastFailure { get; init; }
    /// <summary>attestor_signing_failures_total since the daemon started.</summary>
    public long SigningFailuresTotal { get; init; }
    public DaemonStatus Daemon { get; init; } = new();
}

public sealed record AttestationFailure
{
    public string AttestationId { get; init; } = "";
    public DateTimeOffset At { get; init; }
    /// <summary>The failure as it was recorded: code, message and what to do.</summary>
    public OpsError Error { get; init; } = new();

    public override string ToString() => $"{DisplayText.Time(At)} {AttestationId} {Error.Code}: {Error.Message}";
}

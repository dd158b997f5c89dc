using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// Verification (runbook "attestation verification failures"): stored attestations, and envelopes or Sigstore bundles
/// the caller sends, checked against the daemon's trust material (its own keys with their windows, and every other
/// registered trust source). Readers may verify. Each answer lists every check; a failed verification is an answer
/// with <see cref="AttestationVerification.Verified"/> false, never an error.
/// </summary>
[JsonRpcContract]
public partial interface IVerifyRpc
{
    /// <summary>
    /// Verifies, in this order, the stored attestations named by <see cref="VerificationRequest.Ids"/>, the newest
    /// <see cref="VerificationRequest.Last"/> signed ones, those about <see cref="VerificationRequest.Subject"/>, then
    /// the <see cref="VerificationRequest.Documents"/>. At most <see cref="Protocol.MaxBatchItems"/> in all per call.
    /// </summary>
    [RequiresRole(CallerRole.Reader)]
    Task<AttestationVerification[]> VerifyAsync(VerificationRequest request, CancellationToken cancellationToken);
}

public sealed record VerificationRequest : IAuditDescribed
{
    /// <summary>The most bytes one document may have (1 MiB); a frame holds several.</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>Stored attestation ids (or unambiguous prefixes of at least 8 characters).</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];
    /// <summary>The newest n signed stored attestations (1 to <see cref="Protocol.MaxBatchItems"/>).</summary>
    public int? Last { get; init; }
    /// <summary>Every stored signed attestation with a subject of this digest (<c>sha256:hex</c>), newest first, up to the batch limit.</summary>
    public string? Subject { get; init; }
    /// <summary>DSSE envelopes or Sigstore bundles as JSON text, each with the name it is reported under (a file name).</summary>
    public IReadOnlyList<VerificationDocument> Documents { get; init; } = [];
    public VerificationPolicy Policy { get; init; } = new();

    public string DescribeForAudit()
        => $"{Ids.Count} id(s){(Last is { } n ? $", last {n}" : "")}{(Subject is null ? "" : $", subject {Subject}")}, {Documents.Count} document(s)";
}

public sealed record VerificationDocument
{
    /// <summary>What the document is called in the answer (its file name).</summary>
    public string Name { get; init; } = "";
    /// <summary>The DSSE envelope or Sigstore bundle JSON.</summary>
    public string Content { get; init; } = "";
}

/// <summary>
/// What one verification must show beyond a good signature from trusted material. Everything null or 0 asks for no
/// more than that.
/// </summary>
public sealed record VerificationPolicy
{
    /// <summary>A subject of the statement must carry this digest (<c>sha256:hex</c>, or another algorithm the subject names).</summary>
    public string? ExpectedSubjectDigest { get; init; }
    /// <summary>The signing key must belong to this issuer (by id), and the issuer must be trusted.</summary>
    public string? ExpectedIssuer { get; init; }
    /// <summary>How many transparency-log entries must be included and verified (0: none required).</summary>
    public int RequiredLogEntries { get; init; }
}

public enum VerificationCheckStatus { Pass, Fail, Skipped }

/// <summary>Where the signing time a key window and a certificate validity were judged at came from.</summary>
public enum SigningTimeSource
{
    /// <summary>The daemon's own record of when it signed the stored attestation.</summary>
    DaemonRecord,
    /// <summary>A verified transparency-log entry's integrated time.</summary>
    TransparencyLog,
    /// <summary>A verified RFC 3161 timestamp from a trusted time-stamping authority.</summary>
    Rfc3161Timestamp,
    /// <summary>No evidence of when it was signed: judged at the time of verification.</summary>
    CurrentTime,
}

/// <summary>
/// One check of a verification. <see cref="Failure"/> is the stable id of the cause when it failed, <see cref="Cause"/>
/// the runbook's words for it, <see cref="Fix"/> the runbook command that addresses it.
/// </summary>
public sealed record VerificationCheckResult
{
    /// <summary>envelope-well-formed, statement, subject-digest, signature, key-known, key-valid-at-signing-time, …</summary>
    public string Name { get; init; } = "";
    public VerificationCheckStatus Status { get; init; }
    public string Reason { get; init; } = "";
    public OpsErrorCode? Failure { get; init; }
    public string? Cause { get; init; }
    public string? Fix { get; init; }
    /// <summary>What the check looked at (key id, window, certificate subject, time, …).</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new Dictionary<string, string>();

    public override string ToString() => $"{Name}: {Status}{(Reason.Length > 0 ? $" ({Reason})" : "")}";
}

/// <summary>The result of verifying one attestation: the verdict, what it says, who signed it when, and every check.</summary>
public sealed record AttestationVerification
{
    /// <summary>The attestation id, or the document's name.</summary>
    public string Source { get; init; } = "";
    public string? AttestationId { get; init; }
    /// <summary>dsse, or the Sigstore bundle media type.</summary>
    public string Format { get; init; } = "";
    public bool Verified { get; init; }
    /// <summary>The first failed check's cause (stable id), its words, its reason and its fix; null when verified.</summary>
    public OpsErrorCode? Failure { get; init; }
    public string? Cause { get; init; }
    public string? Message { get; init; }
    public string? Fix { get; init; }
    /// <summary>The statement's subjects (reported even when verification failed: do not trust them then).</summary>
    public IReadOnlyList<AttestationSubject> Subjects { get; init; } = [];
    public string? PredicateType { get; init; }
    public string? KeyId { get; init; }
    public KeyAlgorithm? Algorithm { get; init; }
    public string? Issuer { get; init; }
    public DateTimeOffset SigningTime { get; init; }
    public SigningTimeSource SigningTimeSource { get; init; }
    /// <summary>Where the signing time came from, in words.</summary>
    public string SigningTimeDetail { get; init; } = "";
    public IReadOnlyList<CertificateLink> CertificateChain { get; init; } = [];
    public IReadOnlyList<VerificationCheckResult> Checks { get; init; } = [];

    public override string ToString()
        => Verified ? $"{Source}: verified ({KeyId?[..Math.Min(16, KeyId.Length)]}…, signed {DisplayText.Time(SigningTime)} per {SigningTimeSource})"
                    : $"{Source}: {Cause}: {Message}";
}

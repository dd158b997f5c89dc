using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

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
    /// <summary>
    /// Set when this item could not be verified at all (an id that names no attestation): no check ran, and the
    /// item's error is this, not a verification failure. Null for every verified or failed verification.
    /// </summary>
    public OpsError? Error { get; init; }
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
    /// <summary>
    /// What this verification trusted, in words: the daemon's trust material (and at which endpoint), the caller's
    /// -TrustedKey / -TrustAnchor files, or both. Filled in by the module.
    /// </summary>
    public IReadOnlyList<string> TrustSources { get; init; } = [];

    public override string ToString()
        => Verified ? $"{Source}: verified ({KeyId?[..Math.Min(16, KeyId.Length)]}…, signed {DisplayText.Time(SigningTime)} per {SigningTimeSource})"
                    : $"{Source}: {Cause}: {Message}";
}

using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// The result of verifying one envelope: every check separately, and an overall outcome. The overall outcome is
/// <see cref="CheckOutcome.Pass"/> only when the envelope, payload type and statement checks pass and at least
/// the required number of signatures pass all of key-found, signature-valid and key-trusted-at-signing-time.
/// Signatures by unknown keys are reported but, as in DSSE, do not by themselves fail an envelope that has
/// enough good signatures.
/// </summary>
public sealed class VerificationReport
{
    internal VerificationReport(IReadOnlyList<VerificationCheck> checks, bool verified, DsseEnvelope? envelope, InTotoStatement? statement, IReadOnlyList<string> verifiedKeyIds)
    {
        Checks = checks;
        Verified = verified;
        Envelope = envelope;
        Statement = statement;
        VerifiedKeyIds = verifiedKeyIds;
    }

    public IReadOnlyList<VerificationCheck> Checks { get; }

    public bool Verified { get; }

    public CheckOutcome Overall => Verified ? CheckOutcome.Pass : CheckOutcome.Fail;

    /// <summary>The parsed envelope, when it was well formed.</summary>
    public DsseEnvelope? Envelope { get; }

    /// <summary>The parsed statement, when the payload was one (set even if signatures failed: do not trust it then).</summary>
    public InTotoStatement? Statement { get; }

    /// <summary>Keys whose signatures passed every per-signature check.</summary>
    public IReadOnlyList<string> VerifiedKeyIds { get; }

    public IEnumerable<VerificationCheck> Failures => Checks.Where(c => c.Outcome == CheckOutcome.Fail);

    /// <summary>The named check (the first one, for per-signature checks use <paramref name="signatureIndex"/>).</summary>
    public VerificationCheck? Find(string name, int? signatureIndex = null)
        => Checks.FirstOrDefault(c => c.Name == name && (signatureIndex is null || c.SignatureIndex == signatureIndex));

    public override string ToString()
        => $"{Overall}: " + string.Join("; ", Checks.Select(c => c.ToString()));
}

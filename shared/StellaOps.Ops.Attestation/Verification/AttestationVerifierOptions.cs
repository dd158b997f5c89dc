namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// How an <see cref="AttestationVerifier"/> judges. Every option that makes verification accept more than the
/// standards allow starts with "Weaken" and is off by default; the check it weakens says so in its reason.
/// </summary>
public sealed class AttestationVerifierOptions
{
    /// <summary>
    /// Weakens the signature check: accept an ECDSA signature given as raw r‖s (IEEE P1363) instead of the ASN.1 DER
    /// that DSSE and Sigstore require. Only for envelopes from old signers that wrote raw HSM output.
    /// </summary>
    public bool WeakenAcceptRawEcdsaSignatures { get; init; }

    /// <summary>
    /// The clock for "current time", when nothing says when an attestation was signed (the result says so), and for
    /// nothing else.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Checks a bundle's transparency-log entries against the trust material's logs. Without one, entries are not
    /// checked (the transparency-log check is skipped, and fails when the policy requires entries).
    /// </summary>
    public ITransparencyLogEntryCheck? LogEntryCheck { get; init; }
}

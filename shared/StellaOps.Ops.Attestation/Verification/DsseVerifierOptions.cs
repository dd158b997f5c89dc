using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Verification;

public sealed class DsseVerifierOptions
{
    /// <summary>The payload type the envelope must carry; null accepts any. Default: in-toto.</summary>
    public string? ExpectedPayloadType { get; init; } = DsseEnvelope.InTotoPayloadType;

    /// <summary>
    /// When true (default) the payload must parse as an in-toto Statement v1. When false, the statement check runs
    /// only for in-toto payloads and is reported as skipped otherwise.
    /// </summary>
    public bool RequireStatement { get; init; } = true;

    /// <summary>Distinct trusted keys whose signatures must pass every per-signature check. Default 1.</summary>
    public int Threshold { get; init; } = 1;

    /// <summary>
    /// Weakens verification: accept an ECDSA signature given as raw r‖s (IEEE P1363) instead of the DER that DSSE and
    /// Sigstore require, noting it in the reason. Default false. Only for envelopes from old signers that emitted
    /// raw HSM output; this product's signers always write DER.
    /// </summary>
    public bool AllowRawEcdsaSignatures { get; init; }

    /// <summary>Clock used for "key trusted at signing time" when no signing time is given.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

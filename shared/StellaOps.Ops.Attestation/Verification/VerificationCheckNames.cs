using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>Names of the checks a <see cref="VerificationReport"/> lists.</summary>
public static class VerificationCheckNames
{
    public const string EnvelopeWellFormed = "envelope-well-formed";
    public const string PayloadType = "payload-type";
    public const string StatementParse = "statement-parse";
    /// <summary>Per signature: the keyid names a trusted key (or, with no keyid, some trusted key verified it).</summary>
    public const string KeyFound = "key-found";
    /// <summary>Per signature: the signature verifies over the PAE with that key.</summary>
    public const string SignatureValid = "signature-valid";
    /// <summary>Per signature: the signing time lies inside the key's validity window.</summary>
    public const string KeyTrustedAtSigningTime = "key-trusted-at-signing-time";
    /// <summary>Enough signatures passed all three per-signature checks.</summary>
    public const string SignatureThreshold = "signature-threshold";
}

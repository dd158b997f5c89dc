namespace StellaOps.Ops.Attestation.Verification;

/// <summary>The names of the checks an <see cref="AttestationVerifier"/> reports, in the order it reports them.</summary>
public static class VerificationNames
{
    public const string EnvelopeWellFormed = "envelope-well-formed";
    public const string Statement = "statement";
    public const string SubjectDigest = "subject-digest";
    public const string AlgorithmSupported = "algorithm-supported";
    public const string KeyKnown = "key-known";
    public const string Signature = "signature";
    public const string SigningTime = "signing-time";
    public const string KeyValidAtSigningTime = "key-valid-at-signing-time";
    public const string CertificateChain = "certificate-chain";
    public const string CertificateValidity = "certificate-valid-at-signing-time";
    public const string CertificateUsage = "certificate-usage";
    public const string IssuerTrusted = "issuer-trusted";
    public const string TransparencyLog = "transparency-log";
}

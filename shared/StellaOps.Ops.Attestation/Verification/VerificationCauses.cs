using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// The runbook's causes of a failed verification ("attestation verification failures"): each is its own stable id
/// (an <see cref="OpsErrorCode"/>), named in the runbook's words, with the runbook command that fixes it.
/// </summary>
public static class VerificationCauses
{
    public sealed record Cause(OpsErrorCode Code, string Words, string Fix);

    private static readonly Dictionary<OpsErrorCode, Cause> Causes = new Cause[]
    {
        new(OpsErrorCode.SignatureVerificationFailed, "signature verification failed",
            "Check the attestation was not modified: 'stella attest integrity-check <attestation-id>'; if it was, regenerate it: 'stella attest create --subject <digest> --type <type> --force'."),
        new(OpsErrorCode.InvalidAttestation, "invalid attestation",
            "Look at what was stored or sent: 'stella attest show <attestation-id> --details'; regenerate it: 'stella attest create --subject <digest> --type <type> --force'."),
        new(OpsErrorCode.TrustAnchorNotFound, "trust anchor not found",
            "Add the issuer's certificate: 'stella trust-anchors add --cert <issuer-cert.pem>', or the signing key: 'stella keys show <key-id> --public' then 'stella trust-anchors add-key --key <key.pem>'."),
        new(OpsErrorCode.CertificateChainIntermediateMissing, "certificate chain invalid: intermediate missing",
            "Add the intermediate: 'stella trust-anchors add-intermediate --cert <intermediate.pem>', then 'stella verify cert-chain --attestation <attestation-id>'."),
        new(OpsErrorCode.CertificateChainRootNotTrusted, "certificate chain invalid: root not trusted",
            "Add the root as a trust anchor: 'stella trust-anchors add --cert <issuer-cert.pem>', then 'stella verify cert-chain --attestation <attestation-id>'."),
        new(OpsErrorCode.CertificateChainInvalid, "certificate chain invalid",
            "Show each link: 'stella verify cert-chain --attestation <attestation-id>'; rebuild the key's chain: 'stella crypto cert update-chain --key <key-id>'."),
        new(OpsErrorCode.KeyNotTrustedAtSigningTime, "key not trusted at signing time",
            "If the key was rotated, trust the old key for what it signed: 'stella trust-anchors add-key --key <old-key.pem> --expires <date>', or fetch it: 'stella issuer keys fetch <issuer-id>'."),
        new(OpsErrorCode.CertificateExpired, "certificate expired",
            "Check its validity: 'stella verify cert --attestation <attestation-id> --show-expiry'; re-sign with a valid certificate: 'stella attest resign <attestation-id>'."),
        new(OpsErrorCode.CertificateNotYetValid, "certificate not yet valid",
            "Check its validity and the clocks: 'stella verify cert --attestation <attestation-id> --show-expiry'; re-sign: 'stella attest resign <attestation-id>'."),
        new(OpsErrorCode.CertificateUsageInvalid, "certificate not valid for code signing",
            "Have the CA issue a code-signing certificate (key usage digitalSignature, extended key usage codeSigning) for the key: 'New-StellaCertificateRequest -KeyId <key-id> -Subject <dn>', then 'Set-StellaKeyCertificate -Id <key-id> -Path <chain.pem>'; re-sign: 'stella attest resign <attestation-id>'."),
        new(OpsErrorCode.IssuerNotTrusted, "issuer not trusted",
            "Verify the issuer: 'stella issuer show <issuer-id>'; trust it (requires approval): 'stella issuer trust <issuer-id> --reason \"Approved by security team\"'."),
        new(OpsErrorCode.AlgorithmNotSupported, "algorithm not supported",
            "Check the algorithm: 'stella attest show <attestation-id> | grep algorithm'; and what the crypto providers support: 'stella crypto providers list --algorithms'."),
        new(OpsErrorCode.SubjectDigestMismatch, "subject digest mismatch",
            "This attestation is about another artifact: verify the artifact's own attestations with 'stella verify artifact --digest <digest>'."),
        new(OpsErrorCode.TimestampInvalid, "timestamp invalid",
            "Trust the time-stamping authority's root: 'stella trust-anchors add --cert <tsa-root.pem>', or re-sign: 'stella attest resign <attestation-id>'."),
        new(OpsErrorCode.TransparencyLogEntryMissing, "transparency log entry missing",
            "Log it: 'stella attest show <attestation-id>' says whether it is queued; 'stella trust status --show-backends' shows the logs; export the bundle again once it is Logged."),
        new(OpsErrorCode.TransparencyLogEntryRejected, "transparency log entry invalid",
            "The entry's proof, checkpoint, SET, log key or body does not verify against the trusted root: 'stella trust sync' for the current log keys; 'stella rekor query --after <t> --before <t> --key-id <log-key-id>' lists entries under a compromised log key."),
    }.ToDictionary(c => c.Code);

    public static Cause Of(OpsErrorCode code)
        => Causes.TryGetValue(code, out var cause) ? cause : new Cause(code, "verification failed", "Run 'stella verify attestation --attestation <attestation-id> --verbose'.");

    /// <summary>Every cause with its words and fix (for help and tests).</summary>
    public static IReadOnlyCollection<Cause> All => Causes.Values;
}

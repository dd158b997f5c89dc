@{
    Synopsis    = 'Verifies attestations against the trust material and reports every check, with the runbook''s name for what failed.'
    Description = 'Verifies stored attestations (-Id, pipeline input from Get-StellaAttestation, or -Last for the newest signed ones) in the daemon, or DSSE envelope and Sigstore bundle files (v0.1, v0.2, v0.3; public-key hint or X.509 certificate and chain) with -Path. With -TrustedKey or -TrustAnchor, -Path verifies in this process against those files only, no daemon needed; without them the daemon verifies the files against its trust material. Returns an AttestationVerification per attestation: Verified, Subjects, KeyId, Issuer, SigningTime and where it came from (the daemon''s record, an RFC 3161 timestamp, or the current time, said so), the certificate chain link by link, and Checks: envelope well-formed, statement, subject digest, key known, algorithm supported, signature, signing time, key valid at signing time, certificate chain, certificate valid at signing time, certificate usage (code signing), issuer trusted, transparency log (skipped: not checked by this release). A failed verification is also a non-terminating SecurityError whose id names the cause (SignatureVerificationFailed, InvalidAttestation, TrustAnchorNotFound, CertificateChainIntermediateMissing, CertificateChainRootNotTrusted, CertificateChainInvalid, KeyNotTrustedAtSigningTime, CertificateExpired, CertificateNotYetValid, CertificateUsageInvalid, IssuerNotTrusted, AlgorithmNotSupported, SubjectDigestMismatch, TimestampInvalid, TransparencyLogEntryMissing) and whose recommended action is the runbook command that fixes it, so both $r.Verified and -ErrorAction Stop work. -Verbose narrates each check. Readers may verify. -Last with a count over 256 lists the newest signed ids page by page and verifies them through the same pipeline as -Id, so -Last 20000 works. Runbook forms: stella verify attestation --attestation <attestation-id> [--verbose]; stella verify attestation --last.'
    Parameters  = @{
        Id          = 'Ids of stored attestations (or unique prefixes of at least 8 characters). Objects from Get-StellaAttestation bind by their Id; pipeline input streams to the daemon in batches of 256 while more arrives, and the results come back in input order. An id that names no attestation is one non-terminating AttestationNotFound error in its place; every other id is still verified.'
        Last        = 'Verify the newest signed attestations: -Last alone is the newest one, -Last 10 the newest ten.'
        Count       = 'With -Last: how many of the newest signed attestations (default 1).'
        Path        = 'DSSE envelope or Sigstore bundle files (JSON, at most 1 MiB each).'
        TrustedKey  = 'With -Path: PEM public keys to trust (offline verification; no validity window).'
        TrustAnchor = 'With -Path: PEM CA certificates to trust; self-signed ones are roots, others intermediates.'
        Digest      = 'The statement must have a subject with this digest (sha256:<hex>).'
        Issuer      = 'The signing key must belong to this issuer, and the issuer must be trusted.'
        Quiet       = 'Return only $true (everything verified) or $false; no result objects and no errors.'
    }
    Examples    = @(
        @{ Code = 'stella verify attestation --attestation $id --verbose'; Remarks = 'Runbook 002: verify one stored attestation, narrating each check.' }
        @{ Code = 'Test-StellaAttestation -Last'; Remarks = 'Verify the newest signed attestation (stella verify attestation --last).' }
        @{ Code = 'Get-StellaAttestation -Last 10000 | Test-StellaAttestation | Where-Object { -not $_.Verified } | Select-Object Source, Cause, Fix'; Remarks = 'Verify many stored attestations in batches and list what failed and how to fix it.' }
        @{ Code = 'Test-StellaAttestation -Path ./build.sigstore.json -TrustAnchor ./ca-root.pem -Digest sha256:...'; Remarks = 'Verify a Sigstore bundle offline against a CA root, expecting a subject digest.' }
        @{ Code = 'if (Test-StellaAttestation -Id $id -Quiet) { "ok" }'; Remarks = 'Only the verdict.' }
    )
}

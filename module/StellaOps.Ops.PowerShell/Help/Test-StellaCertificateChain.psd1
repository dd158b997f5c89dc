@{
    Synopsis    = 'Checks every link of the certificate chain of a key or of the key an attestation was signed with.'
    Description = 'Builds the chain against the trust store only (never the system''s roots) and returns one object per link: role, subject, issuer, serial, not before/after, days left, status and reason. Status names the runbook''s causes: Expired, NotYetValid, WrongKeyUsage, NotCA, BadSignature, IntermediateMissing, RootNotTrusted; a passing link is Valid, the trust anchor Trusted. Each failed link carries the command that fixes it (Fix). A chain that does not lead to a trust anchor also writes a non-terminating CertificateChainInvalid error (category SecurityError), so -ErrorAction Stop stops. Readers may run it. Runbook lines: "stella crypto cert verify-chain --key", "stella verify cert-chain --attestation", "stella verify cert --attestation --show-expiry".'
    Parameters  = @{
        KeyId         = 'The key whose stored certificate chain to check. Accepts objects with a KeyId property from the pipeline.'
        AttestationId = 'The attestation whose signing key''s chain to check.'
        ShowExpiry    = 'Show the validity dates, serial and days left of each link (the expiry view); the objects are the same.'
    }
    Examples    = @(
        @{ Code = 'stella verify cert-chain --attestation $id'; Remarks = 'Which link is wrong: intermediate missing, root not trusted, expired.' }
        @{ Code = 'Test-StellaCertificateChain -KeyId $keyId -ShowExpiry'; Remarks = 'Days left of every link.' }
    )
}

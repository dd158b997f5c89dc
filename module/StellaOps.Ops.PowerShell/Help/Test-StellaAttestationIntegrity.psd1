@{
    Synopsis    = 'Checks that stored attestations are intact: the envelope matches the statement and the signature verifies.'
    Description = 'For each attestation the daemon checks the statement digest, that the envelope payload and payload type match the statement, that the signature verifies and that the signing key is known. Returns an IntegrityResult per attestation with Intact and each check; a modified attestation is a result with Intact = False and the failed checks (each also written with -Verbose), not an error. An unknown id is a non-terminating AttestationNotFound error; the other ids are still checked. A long -Id list is sent in requests of up to 1000 ids (the daemon''s batch limit), answered in order. Runbook form: stella attest integrity-check <attestation-id>.'
    Parameters  = @{
        Id = 'Ids of the attestations to check (or unique prefixes of at least 8 characters). Accepts strings and objects with an Id or AttestationId property from the pipeline.'
    }
    Examples    = @(
        @{ Code = 'Test-StellaAttestationIntegrity -Id $id'; Remarks = 'Verification failures, signature mismatch: was the attestation modified? (runbook: stella attest integrity-check <attestation-id>).' }
        @{ Code = 'Get-StellaAttestation -Status Signed -Last 7d | Test-StellaAttestationIntegrity | Where-Object { -not $_.Intact }'; Remarks = 'The signed attestations of the last week that are no longer intact.' }
    )
}

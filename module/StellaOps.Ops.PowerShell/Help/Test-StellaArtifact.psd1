@{
    Synopsis    = 'Verifies every attestation about an artifact digest, stored or in a folder of bundles, and summarises.'
    Description = 'Asks the daemon to verify every stored signed attestation with a subject of the digest, and every DSSE envelope or Sigstore bundle (*.json) in -Path, each with the digest as the expected subject. Returns one ArtifactVerification: Digest, Verified (at least one attestation and all verified), Total, Passed, Failed and each result. Each failed attestation is also a non-terminating SecurityError naming its cause and fix. Runbook form: stella verify artifact --digest <digest>.'
    Parameters  = @{
        Digest = 'The artifact digest, sha256:<hex>.'
        Path   = 'A folder of DSSE envelopes or Sigstore bundles (*.json) to verify as well.'
    }
    Examples    = @(
        @{ Code = 'stella verify artifact --digest sha256:...'; Remarks = 'Runbook 002: end-to-end verification of an artifact.' }
        @{ Code = 'Test-StellaArtifact -Digest $digest -Path ./bundles | Select-Object -ExpandProperty Results | Format-Table Source, Verified, Cause'; Remarks = 'Stored and folder attestations, one line each.' }
    )
}

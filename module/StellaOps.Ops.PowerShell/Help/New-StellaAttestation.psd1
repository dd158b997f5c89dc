@{
    Synopsis    = 'Records evidence about subjects and has the daemon sign it as an in-toto DSSE attestation.'
    Description = 'Creates one attestation per subject. The daemon records the statement durably first and then signs it with the attestor''s key, so an attestation is never lost: when signing fails it is written with Status Failed together with a non-terminating error (its id is the daemon''s code, e.g. NoActiveKey or KeyExpired) that says what to fix and how to sign it again (Invoke-StellaAttestationRetry). A subject is name@sha256:<hex>, a bare sha256:<hex> digest, the path of a file (hashed here; the daemon never reads your files) or a name such as test:verification; a malformed digest is an InvalidArgument error and nothing is created for it. When the subject already has an attestation of this type it is returned with a warning instead of a new one; -Force creates a new one anyway. Pipeline input is sent in batches of 256 without waiting for each; attestations come out in input order, and an error for one subject comes in its place. A refusal of the command as a whole (PermissionDenied for a Reader, Unauthorized) or a lost connection to the daemon ends the command with one terminating error, not one per item; Ctrl+C stops it at once, also while the daemon does not answer. Supports -WhatIf and -Confirm. Runbook form: stella attest create --type <type> --subject <s> [--force].'
    Parameters  = @{
        Type      = 'The attestation type: a short name (test, provenance, sbom, vuln) or a predicate type URI.'
        Subject   = 'What the attestation is about: name@sha256:<64 lowercase hex>, sha256:<hex>, a file path, or a name. Accepts strings, files (FullName) and objects with a Subject or Digest property from the pipeline.'
        Predicate = 'The predicate: a hashtable, a PSCustomObject, a JSON object text, or the path of a JSON file. Default: an empty predicate.'
        Force     = 'Create a new attestation even if the subject already has one of this type. It never skips -WhatIf or -Confirm.'
    }
    Examples    = @(
        @{ Code = 'New-StellaAttestation -Type test -Subject test:verification'; Remarks = 'Signing failures, verification: create a test attestation (runbook: stella attest create --type test --subject "test:verification").' }
        @{ Code = 'Get-ChildItem ./dist -File | New-StellaAttestation -Type provenance -Predicate ./provenance.json'; Remarks = 'One provenance attestation per built file, hashed locally, with the predicate from a file.' }
        @{ Code = 'New-StellaAttestation -Type sbom -Subject "registry.example/app@sha256:$digest" -Force -WhatIf'; Remarks = 'Shows what would be created for an image digest, even if one exists.' }
    )
}

@{
    Synopsis    = 'Lists attestations, or gets attestations by id with their statement, envelope and history.'
    Description = 'Without -Id, returns the attestations newest first (at most 1000 unless -Newest, a -Last count or -All says otherwise), filtered by -Status, -Last, -Since, -Subject (name with wildcards, or a sha256:<hex> digest) and -Type. With -Id, returns each attestation by its id (or an unambiguous prefix of at least 8 characters) including the statement JSON, the DSSE envelope JSON and its history, shown as a list with the signer key and the signature algorithm; an unknown id is a non-terminating AttestationNotFound error. The list streams page by page (each call bounded by items and bytes), so any number of attestations comes back, written as each page arrives, however small the daemon''s answer limit (Ipc:MaxAnswerBytes). -Detailed shows every detail, including the history, statement and envelope. Runbook form: stella attest show <attestation-id> [--details].'
    Parameters  = @{
        Id       = 'Ids of the attestations to get (or unique prefixes of at least 8 characters). Accepts strings and objects with an Id or AttestationId property from the pipeline (for example LastFailure of Get-StellaAttestorStatus).'
        Last     = 'A bare number is a count: the newest n attestations (-Last 10000). Anything else is a window: only attestations created within it from now, e.g. 1h or 7d.'
        Since    = 'Only attestations created at or after this time.'
        Status   = 'Only attestations in this state: Pending, Signed or Failed.'
        Subject  = 'Only attestations about this subject: a name (wildcards allowed) or a sha256:<hex> digest.'
        Type     = 'Only attestations of this type (test, provenance, ...).'
        Newest   = 'At most this many attestations, newest first.'
        All      = 'Every attestation the filters select, however many; without it (and without -Newest or a -Last count) at most 1000.'
        Detailed = 'Renders the attestations as a list with every property, including the history, the statement and the envelope (with -Id). The objects are the same AttestationInfo objects.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaAttestation -Status Failed -Last 1h'; Remarks = 'The attestations whose signing failed in the last hour.' }
        @{ Code = 'Get-StellaAttestation -Id $id -Detailed'; Remarks = 'Signer identity, timestamps, subject and history (runbook: stella attest show <attestation-id> --details).' }
        @{ Code = '(Get-StellaAttestorStatus).LastFailure | Get-StellaAttestation'; Remarks = 'The attestation behind the attestor''s last failure.' }
        @{ Code = 'Get-StellaAttestation -Last 20000 | Test-StellaAttestation | Where-Object { -not $_.Verified }'; Remarks = 'Verifies the newest 20,000 attestations, streamed page by page into the verification pipeline, and lists those that failed.' }
    )
}

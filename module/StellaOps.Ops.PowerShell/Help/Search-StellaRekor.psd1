@{
    Synopsis    = 'Lists the transparency-log entries this daemon logged in a time window, by signing key or log key.'
    Description = 'Runbook 004 scenario 2 ("stella rekor query --after ... --before ... --key-id ..."): answers from the daemon''s own record of the entries it logged and verified. With -KeyId only entries whose signing key id or log key id (the log id, SHA-256 of the Rekor key) starts with it are listed; MatchedBy says which matched (signing-key or log-key). Pipe the results into Test-StellaAttestation to verify them again. -Resubmit queues them to be logged again (to a log whose key is trusted now); it supports -WhatIf.'
    Parameters  = @{
        After    = 'The start of the window (inclusive): when the entries were logged.'
        Before   = 'The end of the window (exclusive).'
        KeyId    = 'A signing key id or a log key id (hex), or a prefix of at least 8 characters.'
        Subject  = 'Only attestations with this subject name or digest (sha256:...).'
        Resubmit = 'Queue the listed attestations to be logged again.'
    }
    Examples    = @(
        @{ Code = 'Search-StellaRekor -After 2026-01-20T00:00:00Z -Before 2026-01-25T00:00:00Z -KeyId c0ffee00c0ffee00'; Remarks = 'The entries of the window logged under that key, each saying whether the signing key or the log key matched.' }
        @{ Code = 'Search-StellaRekor -After (Get-Date).AddDays(-7) -Before (Get-Date) -KeyId $oldLogKey | Test-StellaAttestation'; Remarks = 'Verifies them again against the current trust.' }
    )
}

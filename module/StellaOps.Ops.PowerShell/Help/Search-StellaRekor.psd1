@{
    Synopsis    = 'Lists the transparency-log entries this daemon logged in a time window, by signing key or log key.'
    Description = 'Runbook 004 scenario 2 ("stella rekor query --after ... --before ... --key-id ..."): answers from the daemon''s own record of the entries it logged and verified. With -KeyId only entries whose signing key id or log key id (the log id, SHA-256 of the Rekor key) starts with it are listed; MatchedBy says which matched (signing-key or log-key). Pipe the results into Test-StellaAttestation to verify them again. -Resubmit queues them to be logged again (to a log whose key is trusted now); it supports -WhatIf. With -Log the daemon also reads each configured transparency log itself (or only -Backend): the log''s latest checkpoint must be signed by its key in the trusted root and be consistent (an RFC 9162 consistency proof) with the checkpoint the daemon verified last for it; Rekor v1 logs are read by index ranges, Rekor v2 logs from their entry tiles, every entry proved included in that checkpoint. Entries this daemon did not write are written with FromLog set (no AttestationId; SigningKeyId is the daemon key with that public key, else the SHA-256 of the key, hex); v1 entries are filtered by their integrated time, v2 entries carry no time and all count. A log that is not consistent (a fork, a rewritten or shrunk history) is a SecurityError (TransparencyLogInconsistent) and nothing it served is written; a checkpoint or entry that does not verify is TransparencyLogCheckpointInvalid. At most -MaxEntries entries (default and most 1000, one answer''s worth) are read per log from -StartIndex; a log read short of its checkpoint (the cap, or an answer full of hits) warns with the -Backend and -StartIndex to go on from, and a log left unread because the answer was full warns with its -Backend. -Verbose says which log, which range and the checkpoint sizes.'
    Parameters  = @{
        After    = 'The start of the window (inclusive): when the entries were logged.'
        Before   = 'The end of the window (exclusive).'
        KeyId    = 'A signing key id or a log key id (hex), or a prefix of at least 8 characters.'
        Subject  = 'Only attestations with this subject name or digest (sha256:...).'
        Resubmit = 'Queue the listed attestations to be logged again (only this daemon''s own; entries found with -Log are not).'
        Log        = 'Also read the transparency logs themselves, from a checkpoint proved consistent with the one the daemon verified last, for entries this daemon did not write (FromLog).'
        Backend    = 'With -Log: read only this log (its URL, as Get-StellaTrustStatus -ShowBackends lists it).'
        StartIndex = 'With -Log: the first log index to read (default 0); the warning of a capped read names the next one.'
        MaxEntries = 'With -Log: at most this many entries read per log and call (at most 1000, the default).'
    }
    Examples    = @(
        @{ Code = 'Search-StellaRekor -After 2026-01-20T00:00:00Z -Before 2026-01-25T00:00:00Z -KeyId c0ffee00c0ffee00'; Remarks = 'The entries of the window logged under that key, each saying whether the signing key or the log key matched.' }
        @{ Code = 'Search-StellaRekor -After (Get-Date).AddDays(-7) -Before (Get-Date) -KeyId $oldLogKey | Test-StellaAttestation'; Remarks = 'Verifies them again against the current trust.' }
        @{ Code = 'Search-StellaRekor -After (Get-Date).AddDays(-1) -Before (Get-Date) -KeyId $compromisedKey -Log -Verbose | Where-Object FromLog'; Remarks = 'Reads the logs themselves for entries signed with a compromised key that this daemon did not write; -Verbose names each log, the range read and the checkpoint sizes. A log that is not consistent with what the daemon verified before stops the command with a SecurityError.' }
        @{ Code = 'Search-StellaRekor -After 2026-01-20T00:00:00Z -Before 2026-01-25T00:00:00Z -Log -Backend https://rekor.example.test/ -StartIndex 1000 -MaxEntries 500'; Remarks = 'Goes on reading one log where a capped read stopped (its warning names -Backend and -StartIndex).' }
    )
}

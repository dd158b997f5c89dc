@{
    Synopsis    = 'Writes the key-compromise record the Disaster Recovery Guide asks for, from the daemon''s own records.'
    Description = 'Returns Markdown text: the window, the affected key id and SHA-256 fingerprint, the rotation time, the transparency-log entries logged between -After and -Before whose signing key or log key is -KeyId (the daemon''s search, as Search-StellaRekor -KeyId makes it: log, index, uuid, which key matched, the subjects), for one of the daemon''s signing keys also the attestations it signed in the window (from the attestation record), and the remediation steps taken (the audit log from -After on: events naming the key, and key, trust, issuer, configuration, HSM and re-signing actions). -KeyId is one of the daemon''s keys (rotation time: the first rotation, retirement or revocation in its history) or a transparency-log key of the trusted root, by its log id (runbook 004 scenario 2, a Rekor key compromise; rotation time: the end of its validity in the trusted root).'
    Parameters  = @{
        WhatIf = 'Says which report it would write, and writes none.'
        Confirm = 'Asks before writing it (the daemon is never changed).'
        KeyId  = 'The compromised key: a signing key id (stella keys list) or a log key''s log id (stella trust status --show-keys), in full.'
        After  = 'Start of the window in which the key may have been exposed.'
        Before = 'End of the window; later than -After.'
    }
    Examples    = @(
        @{ Code = 'New-StellaCompromiseReport -KeyId $key.Id -After 2026-01-20T00:00:00Z -Before 2026-01-25T00:00:00Z > compromise-report.md'; Remarks = 'The record of the incident, for the security team.' }
        @{ Code = '$log = (Get-StellaTrustStatus -ShowKeys).LogKeys | Where-Object BaseUrl -like ''*rekor*''; New-StellaCompromiseReport -KeyId $log.LogId -After 2026-01-20T00:00:00Z -Before 2026-01-25T00:00:00Z'; Remarks = 'A Rekor key compromise: the entries that log signed in the window.' }
    )
}

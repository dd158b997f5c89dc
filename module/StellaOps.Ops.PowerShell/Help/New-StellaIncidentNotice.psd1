@{
    Synopsis    = 'Fills a communication template of the Disaster Recovery Guide from the daemon''s live state.'
    Description = 'Returns the notice as text, ready to redirect to a file or paste into a mail. -Kind KeyRotation is the "Key Rotation Notice": the affected key (default: the key the active signing key replaced) and the new key (default: its replacement) with their SHA-256 fingerprints (the key ids), the sync command, and when the old key is revoked (its revocation time, else the end of its verification overlap, or -RevokeAt). -Kind Outage is the "Outage Notification" from the daemon''s tlog.status: the Mitigation line says which transparency log takes submissions now (the first backend in failover order whose circuit breaker is not open) and which are skipped, a line per backend (URL, API version, operator, circuit state since when and why, submissions, failures, last success and error), the outbox depth and its oldest entry, and the HSM failover state.'
    Parameters  = @{
        WhatIf = 'Says which notice it would write, and writes none.'
        Confirm = 'Asks before writing it (the daemon is never changed).'
        Kind       = 'The template: KeyRotation or Outage.'
        KeyId      = 'KeyRotation: the affected (rotated-out) key''s id. Default: the key the active signing key replaced.'
        NewKeyId   = 'KeyRotation: the new key''s id. Default: the affected key''s replacement, else the active signing key.'
        RevokeAt   = 'KeyRotation: when the old key will be revoked. Default: its revocation time, else its VerifyUntil (the end of the overlap).'
        Reason     = 'KeyRotation: the Reason line, e.g. "Security precaution". Default: Scheduled rotation.'
        Emergency  = 'KeyRotation: announces an emergency rotation ("Emergency Key Rotation" in the subject).'
        StatusPage = 'The status page of the Updates line. Default: https://status.example.com, as in the template.'
    }
    Examples    = @(
        @{ Code = 'Invoke-StellaKeyRotation; New-StellaIncidentNotice -Kind KeyRotation > rotation-notice.txt'; Remarks = 'Rotates the signing key and writes the notice for the new key.' }
        @{ Code = 'New-StellaIncidentNotice KeyRotation -KeyId $old.Id -Emergency -Reason ''Security precaution'' -RevokeAt (Get-Date).AddHours(4)'; Remarks = 'An emergency notice for a named key, revoked in four hours.' }
        @{ Code = 'New-StellaIncidentNotice -Kind Outage'; Remarks = 'The outage notification with the log backends, the failover, the queue and the HSM state filled in.' }
    )
}

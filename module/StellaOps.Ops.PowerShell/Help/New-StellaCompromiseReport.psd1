@{
    Synopsis    = 'Writes the key-compromise record the Disaster Recovery Guide asks for, from the daemon''s own records.'
    Description = 'Returns Markdown text: the window, the affected key id and SHA-256 fingerprint, the rotation time (the first rotation, retirement or revocation in the key''s history), the attestations this key signed between -After and -Before (from the daemon''s attestation record), and the remediation steps taken (the audit log from -After on: events naming the key, and key, trust, issuer, configuration, HSM and re-signing actions). Transparency-log entries are not searched in this release; the report says so.'
    Parameters  = @{
        WhatIf = 'Says which report it would write, and writes none.'
        Confirm = 'Asks before writing it (the daemon is never changed).'
        KeyId  = 'The compromised key''s id.'
        After  = 'Start of the window in which the key may have been exposed.'
        Before = 'End of the window; later than -After.'
    }
    Examples    = @(
        @{ Code = 'New-StellaCompromiseReport -KeyId $key.Id -After 2026-01-20T00:00:00Z -Before 2026-01-25T00:00:00Z > compromise-report.md'; Remarks = 'The record of the incident, for the security team.' }
    )
}

@{
    Synopsis    = 'Activates a key: it becomes the signing key for its purpose.'
    Description = 'Makes the key the active key for its purpose; the previously active key becomes Inactive. An expired or revoked key cannot be activated (KeyExpired, KeyRevoked). Returns the key as it now is. Supports -WhatIf and -Confirm. Runbook form: stella keys activate <key-id>.'
    Parameters  = @{
        Id = 'Ids of the keys to activate (or unique prefixes of at least 8 characters). Accepts strings and objects with an Id property from the pipeline.'
    }
    Examples    = @(
        @{ Code = 'Enable-StellaKey -Id $backupKeyId'; Remarks = 'Signing key expired: switch to the backup key (runbook: stella keys activate <backup-key-id>).' }
        @{ Code = 'Get-StellaKey -Status Inactive -Name backup-* | Select-Object -First 1 | Enable-StellaKey -WhatIf'; Remarks = 'Shows which backup key would be activated.' }
    )
}

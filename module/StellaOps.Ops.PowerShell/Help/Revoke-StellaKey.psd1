@{
    Synopsis    = 'Revokes a key (for example a compromised one). This cannot be undone.'
    Description = 'Marks the key Revoked with the reason: it no longer signs, and signatures made with it no longer verify. If it was the active key there is no active key until another one is activated. ConfirmImpact is High, so PowerShell asks for confirmation unless -Confirm:$false is given. Supports -WhatIf.'
    Parameters  = @{
        Id     = 'Ids of the keys to revoke (or unique prefixes of at least 8 characters). Accepts strings and objects with an Id property from the pipeline.'
        Reason = 'Why the key is revoked, e.g. key-compromise. Recorded in the key and in its history.'
    }
    Examples    = @(
        @{ Code = 'Revoke-StellaKey -Id $keyId -Reason key-compromise'; Remarks = 'Signing key compromise: revoke the key (asks for confirmation).' }
        @{ Code = 'Revoke-StellaKey -Id $keyId -Reason test -WhatIf'; Remarks = 'Shows what would be revoked.' }
    )
}

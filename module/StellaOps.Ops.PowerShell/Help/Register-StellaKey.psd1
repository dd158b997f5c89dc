@{
    Synopsis    = 'Registers a key for a purpose, such as attestation-signing.'
    Description = 'Records the purpose the key serves; Get-StellaKey -Purpose and activation use it. Returns the key as it now is. Supports -WhatIf and -Confirm. Runbook form: stella keys register <key-id> --purpose attestation-signing.'
    Parameters  = @{
        Id      = 'Ids of the keys to register (or unique prefixes of at least 8 characters). Accepts strings and objects with an Id property from the pipeline.'
        Purpose = 'The purpose, e.g. attestation-signing.'
    }
    Examples    = @(
        @{ Code = 'Register-StellaKey -Id $newKeyId -Purpose attestation-signing'; Remarks = 'Runbook: stella keys register <new-key-id> --purpose attestation-signing.' }
    )
}

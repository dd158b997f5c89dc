@{
    Synopsis    = 'Gets the history of a key: generation, activation, rotation, revocation and publication events.'
    Description = 'Returns KeyEvent objects (Sequence, Timestamp, KeyId, Event, Detail, Actor), oldest first, for the given keys or, without -Id, for all keys. Runbook form: stella keys rotation-history --key <key-id>.'
    Parameters  = @{
        Id = 'Ids of the keys (or unique prefixes of at least 8 characters). Without it, the events of every key. Accepts strings and objects with an Id property from the pipeline.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaKeyRotation -Id $keyId'; Remarks = 'Signing key expired: when the key was rotated and what replaced it (runbook: stella keys rotation-history --key <key-id>).' }
        @{ Code = 'Get-StellaKeyRotation | Where-Object Event -eq Revoked'; Remarks = 'Every revocation.' }
    )
}

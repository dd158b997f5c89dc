@{
    Synopsis    = 'Rotates a key: generates a replacement of the same kind and activates it.'
    Description = 'Replaces the key (or, without -Id, the active key) with a new key of the same type, algorithm, provider and purpose, and activates it. The old key is retired but stays valid for verification for keys.rotation.overlap_days. Returns a KeyRotationResult with the Retired and the Replacement key. ConfirmImpact is High. Supports -WhatIf.'
    Parameters  = @{
        Id = 'The id of the key to rotate (or a unique prefix of at least 8 characters). Default: the active signing key. Accepts an Id property from the pipeline.'
    }
    Examples    = @(
        @{ Code = 'Invoke-StellaKeyRotation -Confirm:$false'; Remarks = 'Rotates the active signing key.' }
        @{ Code = '(Invoke-StellaKeyRotation -Id $keyId).Replacement | Publish-StellaKey'; Remarks = 'Rotates a key and publishes the replacement.' }
    )
}

@{
    Synopsis    = 'Publishes the public key to the issuer directory that verification trusts.'
    Description = 'Writes the key''s public key into the issuer directory so verifiers accept signatures made with it. Returns a PublishedKey (Id, Path, PublishedAt). Supports -WhatIf and -Confirm. Runbook form: stella issuer keys publish <key-id>.'
    Parameters  = @{
        Id = 'Ids of the keys to publish (or unique prefixes of at least 8 characters). Accepts strings and objects with an Id property from the pipeline.'
    }
    Examples    = @(
        @{ Code = 'Publish-StellaKey -Id $newKeyId'; Remarks = 'Signing key expired: publish the new key (runbook: stella issuer keys publish <new-key-id>).' }
    )
}

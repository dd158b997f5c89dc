@{
    Synopsis    = 'Gets the public key of a signing key as PEM.'
    Description = 'Returns a PublicKeyInfo (Id, Algorithm, Pem) per key id. The Pem property is a SubjectPublicKeyInfo PEM block that verifiers and trust anchors accept. The object converts to its PEM text as a string. A missing key is a non-terminating KeyNotFound error. The runbook form stella keys show <key-id> --public (Get-StellaKey -Id <key-id> -PublicKey) writes the PEM text itself, for redirecting to a file.'
    Parameters  = @{
        Id = 'Ids of the keys (or unique prefixes of at least 8 characters). Accepts strings and objects with an Id property, such as Get-StellaKey output, from the pipeline.'
    }
    Examples    = @(
        @{ Code = '(Get-StellaPublicKey -Id $keyId).Pem | Set-Content signing-key.pub'; Remarks = 'Saves the public key for a verifier.' }
        @{ Code = 'Get-StellaKey -Status Active | Get-StellaPublicKey'; Remarks = 'The public key of the active key.' }
    )
}

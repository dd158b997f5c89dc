@{
    Synopsis    = 'Lists the signing keys, or gets keys by id.'
    Description = 'Without -Id, returns the keys the daemon holds (HSM and software), filtered by -Name (wildcards), -Type, -Status, -ExpiringWithin and -Purpose. With -Id, returns each key by its id (or an unambiguous id prefix of at least 8 characters) and writes a non-terminating KeyNotFound error for each id that does not exist. With -Id and -PublicKey, writes each key''s public key as PEM text instead. The default view is a table (Id shortened to 16 characters, Name (a name longer than the column keeps its start and its end, where generated names differ), Algorithm, Provider, Status, ExpiresAt); Format-List or -Detailed shows every date, including when signatures stay verifiable. Runbook form: stella keys list [--type signing] [--status active|inactive|expired] [--expiring-within 7d] [--show-expiration], stella keys show <key-id> [--details] [--public].'
    Parameters  = @{
        Id             = 'Ids of the keys to get (full lowercase hex SHA-256 of the public key, or a unique prefix of at least 8 characters). Accepts strings and objects with an Id property from the pipeline.'
        Name           = 'Only keys whose name matches this pattern (wildcards allowed).'
        Type           = 'Only keys of this type (Signing).'
        Status         = 'Only keys in this state: Active, Inactive, Expired, Retired or Revoked.'
        ExpiringWithin = 'Only keys (not revoked or retired) that expire within this window from now, e.g. 7d or 30d.'
        Purpose        = 'Only keys registered for this purpose, e.g. attestation-signing.'
        PublicKey      = 'With -Id: writes each public key as PEM text (a string) instead of the key, so redirecting it saves a key file openssl and verifiers read (runbook: stella keys show <key-id> --public > key.pem). Get-StellaPublicKey returns the same PEM as an object with the key id and algorithm.'
        Detailed       = 'Renders the keys as a list with every property, including ExpiresAt, VerifyUntil and a relative Expires line. The objects themselves are the same KeyInfo objects.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaKey -Type Signing -Status Inactive'; Remarks = 'Signing key expired: unexpired backup keys that can be activated (runbook: stella keys list --type signing --status inactive).' }
        @{ Code = 'Get-StellaKey -ExpiringWithin 30d | Sort-Object ExpiresAt'; Remarks = 'Keys that expire within 30 days, soonest first.' }
        @{ Code = 'Get-StellaKey -Id 3f2a9c41d0e8b7a6 -Detailed'; Remarks = 'Every detail of one key, including its expiry (runbook: stella keys show <key-id> --details).' }
        @{ Code = 'Get-StellaKey -Id 3f2a9c41d0e8b7a6 -PublicKey > signing-key.pem; openssl pkey -pubin -in signing-key.pem -noout'; Remarks = 'Saves the public key as a PEM file (runbook: stella keys show <key-id> --public > signing-key.pem).' }
    )
}

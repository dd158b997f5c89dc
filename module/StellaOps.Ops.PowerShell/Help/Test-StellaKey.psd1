@{
    Synopsis    = 'Tests a key: signs random data with it and verifies the signature.'
    Description = 'The daemon signs random data with the private key (in the HSM or software) and verifies the signature with the public key. Returns a KeyTestResult with Success, Provider and Latency. A key that cannot sign is an error with its code: KeyExpired, KeyRevoked, HsmUnavailable, and so on. Runbook form: stella keys verify <key-id> --operation sign.'
    Parameters  = @{
        Id        = 'Ids of the keys to test (or unique prefixes of at least 8 characters). Accepts strings and objects with an Id property from the pipeline.'
        Operation = 'The operation to test. Sign (the default) signs and verifies.'
    }
    Examples    = @(
        @{ Code = 'Test-StellaKey -Id $keyId -Operation Sign'; Remarks = 'HSM connection issues: check that the key signs again (runbook: stella keys verify <key-id> --operation sign).' }
        @{ Code = 'Get-StellaKey -Status Active | Test-StellaKey'; Remarks = 'Tests the active key.' }
    )
}

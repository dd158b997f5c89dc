@{
    Synopsis    = 'Stores the certificate a CA issued for a signing key, or rebuilds its chain from the trust store.'
    Description = 'With -Path: the PEM file holds the leaf first (it must carry the key''s public key, else it is refused), then its chain. With -UpdateChain: the stored chain is rebuilt from the trust store''s current intermediates, plus the certificates of -Path when given, and the answer says which links were added and removed ("stella crypto cert update-chain --key <key-id>"). A chain that does not reach a trust anchor is stored with a warning. Operators only; audited; supports -WhatIf.'
    Parameters  = @{
        Id          = 'The key (id, unique prefix or name). Accepts objects with an Id or KeyId property from the pipeline.'
        Path        = 'PEM file: the leaf then its chain; with -UpdateChain, extra links to build the chain from.'
        UpdateChain = 'Rebuild the stored chain instead of replacing the certificate.'
    }
    Examples    = @(
        @{ Code = 'Set-StellaKeyCertificate -Id $keyId -Path ./signing-chain.pem'; Remarks = 'Stores the issued certificate and its chain.' }
        @{ Code = 'stella crypto cert update-chain --key $keyId'; Remarks = 'After a new intermediate was added: rebuild the chain and see what changed.' }
    )
}

@{
    Synopsis    = 'Lists the trust store: root CAs, intermediates and public keys verification trusts.'
    Description = 'Returns one object per trust anchor: its id (the SHA-256 fingerprint of a certificate, or the key id of a public key), kind, subject, validity (a key''s -NotBefore/-Expires window), status now, who added it and when. Chains are built against these anchors only, never the system''s roots. Readers may list. The runbook line is "stella trust-anchors list".'
    Parameters  = @{
        Id   = 'Anchor ids or id prefixes of at least 8 characters. Accepts strings and objects with an Id property from the pipeline.'
        Kind = 'Only anchors of this kind: Root, Intermediate or Key.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaTrustAnchor'; Remarks = 'The whole trust store (stella trust-anchors list).' }
        @{ Code = 'Get-StellaTrustAnchor -Kind Key | Format-List'; Remarks = 'The trusted public keys with their windows.' }
    )
}

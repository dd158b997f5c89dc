@{
    Synopsis    = 'Fetches an issuer''s keys from its signed issuer document (folder or http(s) URL).'
    Description = 'Reads the issuer document (issuer.json, a DSSE envelope written by "stella issuer keys publish" on the issuer''s daemon) and accepts it only when it is signed by a key already trusted for that issuer: one of its current keys, or, for an issuer not known yet, a key trust anchor (Add-StellaTrustAnchor -PublicKey); this daemon''s own issuer (setting issuers.local.id, default "local") may also be vouched for by a key of this daemon. A rotation document signed by the old and the new key is accepted; one signed only by an unknown key, or older than the one accepted (version, time: a replay), is refused and nothing changes. Operators only; audited; supports -WhatIf. Runbook line: "stella issuer keys fetch <issuer-id>".'
    Parameters  = @{
        Id     = 'Issuer ids. Accepts strings and objects with an Id property from the pipeline.'
        Source = 'A folder holding issuer.json, or the issuer directory''s http(s) URL. Default: where the issuer was fetched from last; for this daemon''s own issuer not fetched yet, the folder it publishes its document to (issuers/local in the state directory).'
    }
    Examples    = @(
        @{ Code = 'Update-StellaIssuerKey -Id partner-ci -Source /mnt/partner/issuers/local'; Remarks = 'First fetch from a copied issuer folder.' }
        @{ Code = 'stella issuer keys fetch partner-ci'; Remarks = 'Refresh from the last source after the issuer rotated its key.' }
        @{ Code = 'stella issuer keys fetch local'; Remarks = 'This daemon''s own issuer, from the document "stella issuer keys publish" wrote; with none published yet, the error says to publish first.' }
    )
}

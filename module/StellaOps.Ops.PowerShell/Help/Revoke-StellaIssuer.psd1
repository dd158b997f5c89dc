@{
    Synopsis    = 'Revokes an issuer: it is no longer trusted and its keys verify nothing.'
    Description = 'Records who revoked it, when and why. Approvals given before count no more; the issuer is trusted again only after new approvals. ConfirmImpact is High; supports -WhatIf. Operators only; audited.'
    Parameters  = @{
        Id     = 'Issuer ids. Accepts strings and objects with an Id property from the pipeline.'
        Reason = 'Why the issuer is revoked.'
    }
    Examples    = @(
        @{ Code = 'Revoke-StellaIssuer -Id partner-ci -Reason key-compromise -Confirm:$false'; Remarks = 'Stops trusting the issuer at once.' }
    )
}

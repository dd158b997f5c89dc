@{
    Synopsis    = 'Removes a trust anchor (root, intermediate or key) from the trust store.'
    Description = 'What only this anchor made trusted no longer verifies. Audited. ConfirmImpact is High, so PowerShell asks unless -Confirm:$false is given; supports -WhatIf. Operators only.'
    Parameters  = @{
        Id = 'Anchor ids or unique prefixes of at least 8 characters. Accepts strings and objects with an Id property (Get-StellaTrustAnchor) from the pipeline.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaTrustAnchor -Kind Intermediate | Where-Object Status -eq Expired | Remove-StellaTrustAnchor -Confirm:$false'; Remarks = 'Removes the expired intermediates.' }
    )
}

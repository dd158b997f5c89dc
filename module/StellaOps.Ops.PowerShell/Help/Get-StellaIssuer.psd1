@{
    Synopsis    = 'Shows issuers: their keys with windows and status, whether each is trusted, who approved it, when and why.'
    Description = 'An issuer is a named signer identity whose keys come from its signed issuer document (Update-StellaIssuerKey). It is trusted once issuers.approval.required different operators approved it (Approve-StellaIssuer) and until it is revoked; Reason says which. Readers may run it. Runbook lines: "stella issuer show <id>", "stella issuer trust-status <id>".'
    Parameters  = @{
        Id = 'Issuer ids; without, every issuer. Accepts strings and objects with an Id property from the pipeline.'
    }
    Examples    = @(
        @{ Code = 'stella issuer trust-status partner-ci'; Remarks = 'Keys, status, approvals of the issuer.' }
        @{ Code = 'Get-StellaIssuer | Where-Object { -not $_.Trusted }'; Remarks = 'Issuers still waiting for approval, or revoked.' }
    )
}

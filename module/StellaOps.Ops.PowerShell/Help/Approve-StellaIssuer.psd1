@{
    Synopsis    = 'Approves an issuer as trusted, recording who and why.'
    Description = 'Records your approval with the reason. With the setting issuers.approval.required above 1, the issuer is trusted only once that many different operators approved it (a two-person rule; the same operator approving twice counts once); until then a warning says how many more are needed. Approvals given before a revocation do not count. Operators only; audited; supports -WhatIf.'
    Parameters  = @{
        Id     = 'Issuer ids. Accepts strings and objects with an Id property from the pipeline.'
        Reason = 'Why the issuer is trusted, for example ''Approved by security team''.'
    }
    Examples    = @(
        @{ Code = 'stella issuer trust partner-ci --reason "Approved by security team"'; Remarks = 'The runbook''s fix for "issuer not trusted".' }
    )
}

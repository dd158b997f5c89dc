@{
    Synopsis    = 'Closes the circuit breaker of a transparency-log backend (or of all), so submissions go to it again.'
    Description = 'Runbook 004 ("stella trust reset-circuits"): once the primary Rekor is back, close its circuit so the outbox drains to it instead of the mirror. Without -Backend every backend is reset. Answers each reset backend with its circuit state. Audited by the daemon; supports -WhatIf and -Confirm. Operators only.'
    Parameters  = @{
        Backend = 'The backend''s URL, as Get-StellaTrustStatus -ShowBackends lists it (Url). Accepts objects with a Url or Backend property from the pipeline.'
    }
    Examples    = @(
        @{ Code = 'Reset-StellaTrustCircuit'; Remarks = 'Closes every backend''s circuit breaker.' }
        @{ Code = 'Reset-StellaTrustCircuit -Backend https://rekor.sigstore.dev/ -WhatIf'; Remarks = 'Says what it would reset, and resets nothing.' }
    )
}

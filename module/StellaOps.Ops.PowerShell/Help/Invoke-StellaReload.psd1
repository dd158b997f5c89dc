@{
    Synopsis    = 'Makes the daemon re-read its configuration file and apply settings live.'
    Description = 'Asks the daemon to reload its configuration (runbook: stella attest reload). Returns a ReloadResult listing the settings whose effective value changed and when. What a capability could not apply (for example the HSM is unreachable) is listed in Warnings and written as a warning; the rest of the reload still took effect. Requires the Operator role; the call is audited. Supports -WhatIf and -Confirm.'
    Parameters  = @{}
    Examples    = @(
        @{ Code = 'Invoke-StellaReload'; Remarks = 'After editing /etc/stellaops/opsd.json (runbook: stella attest reload).' }
        @{ Code = '(Invoke-StellaReload).Changed'; Remarks = 'Only the names of the settings that changed.' }
    )
}

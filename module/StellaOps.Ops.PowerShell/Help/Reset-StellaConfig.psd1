@{
    Synopsis    = 'Removes a setting''s runtime value so the file, environment or built-in default applies again.'
    Description = 'Undoes Set-StellaConfig for the named settings: the runtime value is deleted from the daemon''s state database and the next layer (configuration file, environment, default) applies. The change is audited. Supports -WhatIf and -Confirm.'
    Parameters  = @{
        Name     = 'The settings to reset. Accepts pipeline input by value and by the Name property.'
        PassThru = 'Returns each setting as it is after the reset.'
    }
    Examples    = @(
        @{ Code = 'Reset-StellaConfig -Name attest.signing.mode -PassThru'; Remarks = 'After the HSM is back: signing mode returns to its default (hsm).' }
        @{ Code = 'Get-StellaConfig | Where-Object Source -eq Runtime | Reset-StellaConfig -WhatIf'; Remarks = 'Lists every runtime override that a reset would remove.' }
    )
}

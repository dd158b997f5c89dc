@{
    Synopsis    = 'Reconnects the HSMs (new sessions, log in again), optionally reloading the PKCS#11 library.'
    Description = 'Closes the sessions to every HSM and opens new ones, logging in again with the configured PIN source; a latched PIN failure is cleared so the daemon tries the PIN once more. With -ReloadLibrary the PKCS#11 module is unloaded and loaded again, which also applies a changed hsm.pkcs11.library_path and a changed hsm.session.timeout. Signing in progress is interrupted. Returns the HsmStatus after the reset. Supports -WhatIf and -Confirm. Runbook forms: stella crypto hsm reconnect, stella crypto hsm pkcs11-reload (-ReloadLibrary).'
    Parameters  = @{
        ReloadLibrary = 'Also unloads and reloads the PKCS#11 module (runbook: pkcs11-reload).'
    }
    Examples    = @(
        @{ Code = 'Reset-StellaHsm'; Remarks = 'Immediate mitigation: attempt HSM reconnection (runbook: stella crypto hsm reconnect).' }
        @{ Code = 'Set-StellaConfig -Name hsm.session.timeout -Value 300s; Reset-StellaHsm'; Remarks = 'Session timeouts: a longer call deadline, applied by reconnecting.' }
        @{ Code = 'Reset-StellaHsm -ReloadLibrary -WhatIf'; Remarks = 'Shows what a module reload would do without doing it (runbook: stella crypto hsm pkcs11-reload).' }
    )
}

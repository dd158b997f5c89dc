@{
    Synopsis    = 'Changes the user PIN of an HSM token and in the daemon''s PIN file.'
    Description = 'Changes the user PIN on the token (C_SetPIN, with the current PIN) and then writes the new PIN to the daemon''s PIN file (mode 0600), so the daemon keeps logging in. The new PIN is the password of -Credential, the current one the password of -CurrentCredential; the user names are ignored. When one of them is missing and the session can prompt, it asks for it (masked; the new PIN twice); a non-interactive session fails with HsmPinRequired and changes nothing. A wrong current PIN is an HsmPinIncorrect error and nothing changes (each attempt counts toward the token''s lockout). A PIN taken from an environment variable cannot be updated by the daemon: that is an InvalidArgument error saying what to do. The PINs go to the daemon over the local socket only: they are never written to output, verbose, errors, logs or the audit. Needs the Operator role. Supports -WhatIf and -Confirm. Runbook form: stella crypto hsm auth update --slot <slot-id>.'
    Parameters  = @{
        Slot              = 'The HSM whose PIN to change: primary, backup, a slot id, a token label or a token serial (see Get-StellaHsmSlot). Accepts HsmSlot objects (their SlotId) from the pipeline.'
        Credential        = 'The new PIN, as the password of a PSCredential (the user name is ignored). Asked for when missing and the session can prompt.'
        CurrentCredential = 'The PIN the token accepts now, as the password of a PSCredential (the user name is ignored). Asked for when missing and the session can prompt.'
    }
    Examples    = @(
        @{ Code = 'Set-StellaHsmPin -Slot primary'; Remarks = 'Update the HSM PIN if it changed; asks for the current and the new PIN (runbook: stella crypto hsm auth update --slot <slot-id>).' }
        @{ Code = 'Set-StellaHsmPin -Slot 0 -CurrentCredential (Get-Credential pin) -Credential (Get-Credential pin)'; Remarks = 'Both PINs given as credentials (for example from a secret store).' }
        @{ Code = 'Set-StellaHsmPin -Slot backup -WhatIf'; Remarks = 'Shows what would change, without asking for the PINs.' }
    )
}

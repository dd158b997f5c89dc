@{
    Synopsis    = 'Changes a daemon setting: validated, persisted and applied live.'
    Description = 'Sets the runtime value of one setting. The daemon validates it (durations like 300s are normalized to 5m), persists it in its state database so it survives a restart, applies it live where the setting allows, and records an Audit event with the caller. An invalid value is an InvalidSetting error (category InvalidArgument) and leaves the setting unchanged. When the daemon warns about a change (switching signing to software keys), the warning is written with Write-Warning. Supports -WhatIf and -Confirm. Runbook form: stella attest config set <name> <value>, stella keys config set <name> <value>, stella crypto hsm config set <name> <value>.'
    Parameters  = @{
        Name     = 'The setting''s name, e.g. attest.signing.mode or hsm.session.timeout. Accepts the Name property from the pipeline, so Get-StellaConfig output can be piped in.'
        Value    = 'The new value as text: a duration (60s, 30m, 7d), true/false, a number, a choice or a path, according to the setting''s Type.'
        PassThru = 'Returns the setting as the daemon now has it.'
    }
    Examples    = @(
        @{ Code = 'Set-StellaConfig -Name attest.signing.key_id -Value $backupKeyId -PassThru'; Remarks = 'Signing key expired: point the attestor at the backup key (runbook: stella attest config set signing.key_id <backup-key-id>).' }
        @{ Code = 'Set-StellaConfig -Name hsm.session.timeout -Value 300s'; Remarks = 'HSM connection issues: a longer PKCS#11 deadline (stored as 5m).' }
        @{ Code = 'Get-StellaConfig hsm.session.keepalive | Set-StellaConfig -Value true -WhatIf'; Remarks = 'Shows what would change without changing it.' }
    )
}

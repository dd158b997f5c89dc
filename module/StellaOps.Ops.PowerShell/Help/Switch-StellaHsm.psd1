@{
    Synopsis    = 'Switches signing to the backup HSM, or back to the primary.'
    Description = 'Makes the named HSM the active one: signing goes to it from now on. Switching to Backup when the primary is unreachable is the runbook''s failover; the switch is manual, so the daemon does not fail back on its own until you switch to Primary again. The backup token must hold copies of the keys (same CKA_IDs). Returns the HsmStatus after the switch. An HSM that is not configured is an HsmNotConfigured error; one that cannot be reached, HsmUnavailable. Supports -WhatIf and -Confirm. Runbook form: stella crypto hsm failover --to backup.'
    Parameters  = @{
        To = 'The HSM to sign with: Backup or Primary. Accepts objects with a To property from the pipeline.'
    }
    Examples    = @(
        @{ Code = 'Switch-StellaHsm -To Backup'; Remarks = 'Use the backup HSM (runbook: stella crypto hsm failover --to backup).' }
        @{ Code = 'Switch-StellaHsm -To Primary'; Remarks = 'Back to the primary once it is repaired (check it first with Test-StellaHsm).' }
    )
}

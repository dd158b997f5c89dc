@{
    Synopsis    = 'Lists the slots of the configured HSMs'' PKCS#11 modules and the tokens in them.'
    Description = 'Returns one HsmSlot per slot of each configured HSM (primary, backup): slot id and description, whether a token is present and initialized, its label, serial and model, and InUse for the slot holding the token the daemon is configured to use. A problem if the configured token is in no slot (no InUse slot), the slot has no token, or the token is not initialized. Runbook form: stella crypto hsm slots list.'
    Parameters  = @{}
    Examples    = @(
        @{ Code = 'Get-StellaHsmSlot'; Remarks = 'HSM connection issues: check the slots (runbook: stella crypto hsm slots list).' }
        @{ Code = 'Get-StellaHsmSlot | Where-Object InUse'; Remarks = 'The slots of the configured tokens, one per HSM.' }
    )
}

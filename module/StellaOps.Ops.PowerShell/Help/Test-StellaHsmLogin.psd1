@{
    Synopsis    = 'Checks that each HSM accepts the daemon''s configured PIN.'
    Description = 'Logs in to each HSM (primary, backup) with the PIN source the daemon is configured with (a PIN file or an environment variable) and returns one HsmLoginResult per HSM. The PIN is never shown. Every result is written first; then each failed login is also a non-terminating error with the daemon''s error id: HsmPinIncorrect (the token rejected the PIN; update it with Set-StellaHsmPin or fix the PIN file), HsmPinLocked (a security officer must unlock it), HsmUnavailable. Runbook form: stella crypto hsm auth verify.'
    Parameters  = @{}
    Examples    = @(
        @{ Code = 'Test-StellaHsmLogin'; Remarks = 'Authentication failed: verify the HSM credentials (runbook: stella crypto hsm auth verify).' }
        @{ Code = 'if (-not (Test-StellaHsmLogin -ErrorAction SilentlyContinue | Where-Object Success)) { ''no HSM accepts the PIN'' }'; Remarks = 'A check for scripts.' }
    )
}

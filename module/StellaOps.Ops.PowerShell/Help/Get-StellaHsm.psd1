@{
    Synopsis    = 'Gets the state of the daemon''s HSMs: the primary, the optional backup, which one signs, sessions and the last errors.'
    Description = 'Returns one HsmStatus: the overall State (Connected, Degraded, FailedOver, Down or NotConfigured), the Active member, and for each member (primary, backup) the PKCS#11 library and whether it is loaded, the token and its slot, the session pool (in use, idle, size), the last error and the last keep-alive probe; plus the session settings (timeout, keep-alive and its interval) and the history of state changes. The default view shows what the runbook says to look for (library loaded, slot available, session active); -Detailed shows the library and token details and the state history. Runbook forms: stella crypto hsm status, stella crypto hsm pkcs11-status, stella crypto hsm pkcs11-info (detailed).'
    Parameters  = @{
        Detailed = 'Shows the detailed view: library description, manufacturer and Cryptoki version, token model and serial, persistent session, keep-alive probes and the last 20 state changes. The object is the same.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaHsm'; Remarks = 'HSM connection issues, quick check (runbook: stella crypto hsm status).' }
        @{ Code = 'Get-StellaHsm -Detailed'; Remarks = 'Library compatibility and state history (runbook: stella crypto hsm pkcs11-info).' }
        @{ Code = '(Get-StellaHsm).Members | Where-Object LastError'; Remarks = 'The members that reported an error, as a table.' }
        @{ Code = '(Get-StellaHsm).History | Select-Object -Last 5'; Remarks = 'The last five state changes (connected, down, failed over, reset, ...).' }
    )
}

@{
    Synopsis    = 'Gets the daemon''s status: version, uptime, endpoint, your role and each capability''s state.'
    Description = 'Returns a DaemonStatus: daemon and protocol version, start time and uptime, endpoint, state directory, process id, the caller as the daemon sees it (user, uid, role Operator or Reader), open connections and Capabilities (storage, ipc, hsm, keys, signing, ...) with their state (Ready, Degraded, Down, NotConfigured, Starting). Runbook form: stella attest status.'
    Parameters  = @{}
    Examples    = @(
        @{ Code = 'Get-StellaAttestorStatus'; Remarks = 'The first step of every attestor runbook (stella attest status).' }
        @{ Code = '(Get-StellaAttestorStatus).Capabilities | Where-Object State -ne Ready'; Remarks = 'Only the capabilities that need attention.' }
    )
}

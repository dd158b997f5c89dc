@{
    Synopsis    = 'Gets the attestor''s status: signing mode and key, counts by status, the last failure, and the daemon''s status.'
    Description = 'Returns an AttestorStatus: SigningMode (hsm or software), ConfiguredKeyId (attest.signing.key_id), SigningKey (the key the attestor would sign with now) or KeyProblem (why there is none: no active key, expired, revoked, ...), the numbers of Pending, Signed (not yet logged), Logged (entries stored and verified in as many transparency logs as the signing config''s selection requires) and Failed attestations, Queued (signed attestations waiting in the transparency-log outbox; 0 when no log is configured), LastSignedAt, LastFailure (attestation id, time, code and reason) and SigningFailuresTotal since the daemon started. Daemon holds the daemon''s own status: version, uptime, endpoint, state directory, process id, the caller as the daemon sees it (user, role Operator or Reader), open connections and Capabilities with their state. Runbook form: stella attest status.'
    Parameters  = @{}
    Examples    = @(
        @{ Code = 'Get-StellaAttestorStatus'; Remarks = 'The first step of every attestor runbook (stella attest status).' }
        @{ Code = '(Get-StellaAttestorStatus).LastFailure | Get-StellaAttestation -Detailed'; Remarks = 'The attestation that failed last, with its history.' }
        @{ Code = '(Get-StellaAttestorStatus).Daemon.Capabilities | Where-Object State -ne Ready'; Remarks = 'Only the capabilities that need attention.' }
    )
}

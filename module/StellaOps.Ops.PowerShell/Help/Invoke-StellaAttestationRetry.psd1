@{
    Synopsis    = 'Signs failed attestations again, or re-signs given attestations with the current key.'
    Description = 'With -Failed, the daemon signs again every Failed attestation and every attestation interrupted before it was signed (Pending from before the daemon started), within -Last or -Since when given. With -Id, it signs those attestations again; with -Resign also already signed ones, with the current signing key (the previous envelope stays in the history). Each attestation is written as it ends up; one that still fails is written with a non-terminating error that names the cause. The daemon''s progress is shown with Write-Progress. Supports -WhatIf and -Confirm. Runbook forms: stella attest retry --failed --last 1h, stella attest resign <attestation-id>.'
    Parameters  = @{
        Failed = 'Sign all failed and interrupted attestations again. Without -Failed or -Id the command fails with an InvalidArgument error that says what to give.'
        Last   = 'With -Failed: only attestations created within this window from now, e.g. 1h.'
        Since  = 'With -Failed: only attestations created at or after this time.'
        Id     = 'Ids of the attestations to sign again (or unique prefixes of at least 8 characters). Accepts strings and objects with an Id or AttestationId property from the pipeline; they are sent at the end, in requests of up to 1000 ids (the daemon''s batch limit).'
        Resign = 'With -Id: sign even attestations that are already signed, with the current key.'
    }
    Examples    = @(
        @{ Code = 'Invoke-StellaAttestationRetry -Failed -Last 1h'; Remarks = 'Signing failures, after the fix: retry what failed in the last hour (runbook: stella attest retry --failed --last 1h).' }
        @{ Code = 'Invoke-StellaAttestationRetry -Id $id -Resign'; Remarks = 'Verification failures, expired certificate: re-sign with the current key (runbook: stella attest resign <attestation-id>).' }
        @{ Code = 'Get-StellaAttestation -Status Failed | Invoke-StellaAttestationRetry -WhatIf'; Remarks = 'Shows which failed attestations would be signed again.' }
    )
}

@{
    Synopsis    = 'Runs the daemon''s health checks and returns one result per check.'
    Description = 'Runs the named checks (wildcards allowed) or all of them, showing progress while they run; Ctrl+C cancels them in the daemon. Each DoctorResult has Check, Status (Pass, Warn, Fail), Message, Remediation, Evidence (the facts the verdict rests on) and Duration, so a Pester compliance test can assert on it. Runbook form: stella doctor --check <check-id>.'
    Parameters  = @{
        Check = 'Check ids such as check.daemon.storage or check.attestor.signing-health (tab completion lists them). Wildcards allowed; all checks when omitted.'
    }
    Examples    = @(
        @{ Code = 'Invoke-StellaDoctor -Check check.attestor.signing-health'; Remarks = 'Signing health after a fix (stella doctor --check check.attestor.signing-health).' }
        @{ Code = 'Invoke-StellaDoctor | Where-Object Status -ne Pass | Format-List Check, Message, Remediation'; Remarks = 'Everything that needs attention, with what to do.' }
    )
}

@{
    Synopsis    = 'Runs the compliance pack: one Pester test per "Prevention" item of the attestor runbooks, against a daemon.'
    Description = 'Runs the Pester tests shipped with the module (Operations/Compliance/StellaOps.Compliance.Tests.ps1) against the daemon and returns one result per test (Test, Result, Message, Runbook): automatic key rotation on with a 14-day overlap and 30 days before expiry, expiry alerts at 30 and 7 days, at least one unexpired backup signing key, a backup HSM, HSM session keep-alive, every doctor check passing, fresh trust metadata, no trust anchor expiring within 30 days, and the signing and HSM health checks in the schedule. A failed test''s Message says what is wrong and names the fix. The schedule tests pass when a scheduled check (Register-StellaScheduledCheck) runs the check, its timer is enabled and waiting, and its last run did not fail; where no systemd runs (no /run/systemd/system) they are Skipped with that reason, as is the trust-metadata test against a daemon without that doctor check. Pester 5 or later is not shipped with the module: the loaded Pester is used, else the newest one on $env:PSModulePath; without one the command stops and says how to get it.'
    Parameters  = @{
        Endpoint     = 'The daemon''s Unix socket (Linux) or named pipe (Windows) the tests check. Default: as for every StellaOps cmdlet ($env:STELLAOPS_ENDPOINT, then the installed daemon, then the per-user development socket).'
        OutputFormat = 'Also writes a test report in this format (NUnitXml, NUnit3 or JUnitXml) to -OutputPath, for CI.'
        OutputPath   = 'The file the report is written to; requires -OutputFormat.'
        Test         = 'Runs only the tests whose name contains one of these texts (wildcards allowed), e.g. backup.'
    }
    Examples    = @(
        @{ Code = 'Invoke-StellaCompliance | Where-Object Result -eq Failed | Format-List Test, Message'; Remarks = 'What is not compliant, each with its fix.' }
        @{ Code = 'Invoke-StellaCompliance -OutputFormat JUnitXml -OutputPath ./stellaops-compliance.xml'; Remarks = 'Also writes a JUnit report for the CI server.' }
        @{ Code = 'Invoke-StellaCompliance backup'; Remarks = 'Only the backup key and backup HSM tests.' }
    )
}

@{
    Synopsis    = 'Lists the scheduled doctor checks: their checks, interval, next and last run, and whether the last run failed.'
    Description = 'Reads the stellaops-check-*.timer units from systemd over D-Bus (Scheduled Tasks under \StellaOps on Windows) and returns a StellaScheduledCheck for each: Checks, Every, State and Enabled of the timer, NextRun, LastRun, LastResult (success, exit-code, ...) and LastExitCode of the last run, and Failed. Reading needs no privileges.'
    Parameters  = @{
        Name = 'Names (wildcards allowed); none: all. A name without wildcards that matches nothing is an ObjectNotFound error.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaScheduledCheck'; Remarks = 'Every schedule and how its last run went.' }
        @{ Code = 'Get-StellaScheduledCheck | Where-Object Failed'; Remarks = 'The schedules whose last run failed; journalctl -u stellaops-check-NAME says why.' }
    )
}

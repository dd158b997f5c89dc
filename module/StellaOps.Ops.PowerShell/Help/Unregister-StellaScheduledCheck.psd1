@{
    Synopsis    = 'Stops and removes a scheduled doctor check.'
    Description = 'Stops and disables the timer over D-Bus, deletes stellaops-check-NAME.timer and .service and reloads systemd (on Windows: deletes the task \StellaOps\check-NAME). The journal and the daemon''s event log keep the past runs. Needs root (an elevated session on Windows). Supports -WhatIf and -Confirm.'
    Parameters  = @{
        Name = 'The schedule''s name; takes Name from the pipeline (Get-StellaScheduledCheck output).'
    }
    Examples    = @(
        @{ Code = 'Unregister-StellaScheduledCheck -Name health'; Remarks = 'Removes the schedule named health.' }
        @{ Code = 'Get-StellaScheduledCheck | Unregister-StellaScheduledCheck -WhatIf'; Remarks = 'Shows which schedules it would remove.' }
    )
}

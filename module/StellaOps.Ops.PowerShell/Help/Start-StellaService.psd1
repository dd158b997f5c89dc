@{
    Synopsis    = 'Starts the daemon''s service and waits until it is ready.'
    Description = 'Asks systemd over D-Bus to start stellaops-opsd.service and waits for the job: the unit is Type=notify, so it is active only once the daemon''s socket answers. Fails with an error that names the unit''s result and the journalctl command when it does not come up. On Windows it starts the service StellaOpsOpsd through the service controller. Needs root (or polkit''s permission) on Linux and an elevated session on Windows. Supports -WhatIf and -Confirm; -PassThru returns the service''s state afterwards.'
    Parameters  = @{
        Name     = 'The unit or Windows service; a name without a suffix gets .service. Default: stellaops-opsd (StellaOpsOpsd on Windows). Takes names from the pipeline (Get-StellaService output).'
        PassThru = 'Return the service''s state (a StellaServiceInfo) once the job finished.'
    }
    Examples    = @(
        @{ Code = 'sudo dotnet pwsh -c "Import-Module StellaOps; Start-StellaService -PassThru"'; Remarks = 'As root, then show the state it ended in.' }
        @{ Code = 'Start-StellaService -WhatIf'; Remarks = 'Shows what it would do; changes nothing.' }
    )
}

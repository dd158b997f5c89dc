@{
    Synopsis    = 'Restarts the daemon''s service and waits until it is ready again.'
    Description = 'Asks systemd over D-Bus to restart stellaops-opsd.service (stop with SIGTERM, then start) and waits for the job; the service is active again only once the daemon''s socket answers. On Windows it stops and starts StellaOpsOpsd through the service controller. Needs root (or polkit''s permission) on Linux and an elevated session on Windows. Supports -WhatIf and -Confirm; -PassThru returns the service''s state afterwards.'
    Parameters  = @{
        Name     = 'The unit or Windows service; a name without a suffix gets .service. Default: stellaops-opsd (StellaOpsOpsd on Windows). Takes names from the pipeline (Get-StellaService output).'
        PassThru = 'Return the service''s state (a StellaServiceInfo) once the job finished.'
    }
    Examples    = @(
        @{ Code = 'sudo dotnet pwsh -c "Import-Module StellaOps; Restart-StellaService -PassThru"'; Remarks = 'As root, then show the state it ended in.' }
        @{ Code = 'Restart-StellaService -WhatIf'; Remarks = 'Shows what it would do; changes nothing.' }
    )
}

@{
    Synopsis    = 'Stops the daemon''s service (SIGTERM) and waits until it has stopped.'
    Description = 'Asks systemd over D-Bus to stop stellaops-opsd.service and waits for the job. systemd sends SIGTERM; the daemon finishes what it is doing, removes its socket and exits 0, so nothing stored is lost. On Windows it stops the service StellaOpsOpsd through the service controller. Needs root (or polkit''s permission) on Linux and an elevated session on Windows. Supports -WhatIf and -Confirm; -PassThru returns the service''s state afterwards.'
    Parameters  = @{
        Name     = 'The unit or Windows service; a name without a suffix gets .service. Default: stellaops-opsd (StellaOpsOpsd on Windows). Takes names from the pipeline (Get-StellaService output).'
        PassThru = 'Return the service''s state (a StellaServiceInfo) once the job finished.'
    }
    Examples    = @(
        @{ Code = 'sudo dotnet pwsh -c "Import-Module StellaOps; Stop-StellaService -PassThru"'; Remarks = 'As root, then show the state it ended in.' }
        @{ Code = 'Stop-StellaService -WhatIf'; Remarks = 'Shows what it would do; changes nothing.' }
    )
}

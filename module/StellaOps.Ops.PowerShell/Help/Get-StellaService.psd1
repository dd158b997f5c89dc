@{
    Synopsis    = 'Shows the daemon''s service as the service manager sees it: state, sub-state, main pid, since when, the last result.'
    Description = 'Asks systemd over D-Bus (org.freedesktop.systemd1 on the system bus; $env:DBUS_SYSTEM_BUS_ADDRESS names another bus) for the unit stellaops-opsd.service, or the named units, and returns a StellaServiceInfo: ActiveState and SubState, MainPid, Since (when it entered that state), Result (how the last run ended: success, exit-code, signal, ...), Restarts (restarts by Restart=on-failure) and UnitFileState. On Windows it asks the service controller about the service StellaOpsOpsd. It does not talk to the daemon, so it works when the daemon is down. Reading needs no privileges.'
    Parameters  = @{
        Name = 'The unit or Windows service; a name without a suffix gets .service. Default: stellaops-opsd (StellaOpsOpsd on Windows). Takes names from the pipeline.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaService'; Remarks = 'Is the daemon running, since when, and how did its last run end?' }
        @{ Code = 'Get-StellaService stellaops-check-storage'; Remarks = 'The service of a scheduled check (see Get-StellaScheduledCheck).' }
    )
}

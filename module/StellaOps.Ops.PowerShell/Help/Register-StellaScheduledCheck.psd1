@{
    Synopsis    = 'Runs doctor checks on a schedule: a systemd timer on Linux, a Scheduled Task on Windows.'
    Description = 'Writes /etc/systemd/system/stellaops-check-NAME.service and .timer, reloads systemd over D-Bus, enables the timer and starts it. Each run is "stella-opsd check --endpoint SOCKET CHECK...", the installed daemon binary as a client, run as a throw-away user (DynamicUser) in the stellaops and stellaops-readers groups: it can read, nothing more. Every run goes to the journal (journalctl -u stellaops-check-NAME, one line per result, a failure at priority err) and to the daemon''s event log (Get-StellaLog -Component Doctor). A failing check makes the run exit 1, so the unit shows failed in systemctl status and Get-StellaScheduledCheck until the next good run. Registering a name again replaces its checks and interval. On Windows it creates the task \StellaOps\check-NAME running as SYSTEM every -Every (whole minutes). Needs root (an elevated session on Windows). Supports -WhatIf and -Confirm.'
    Parameters  = @{
        Check      = 'Doctor check ids (wildcards allowed, the daemon expands them); none: every check. Takes Check/Id from the pipeline (Get-StellaDoctorCheck output).'
        Every      = 'How often: 15m, 1h, 1d, a TimeSpan. At least 1s; the first run is one interval after registering.'
        Name       = 'The schedule''s name (its units are stellaops-check-NAME.timer/.service). Default: the check ids joined with _, or all.'
        DaemonPath = 'The stella-opsd binary each run uses. Default: the one the installed stellaops-opsd.service runs (its ExecStart), else /opt/stellaops/daemon/stella-opsd.'
        Endpoint   = 'The daemon socket the checks ask. Default: the system daemon''s (/run/stellaops/opsd.sock, \\.\pipe\stellaops-opsd).'
    }
    Examples    = @(
        @{ Code = 'Register-StellaScheduledCheck -Check check.crypto.hsm-availability, check.attestor.key-expiration -Every 15m -Name health'; Remarks = 'The runbooks'' "health checks on a schedule".' }
        @{ Code = 'Get-StellaDoctorCheck | Register-StellaScheduledCheck -Every 1h -Name hourly'; Remarks = 'Every check the daemon has, hourly.' }
    )
}

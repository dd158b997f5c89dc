@{
    Synopsis    = 'Writes the pending root to a file for a holder on another machine.'
    Description = 'The holder signs it with Add-StellaTufSignature (sign-metadata.sh --sign-pending) and brings it back for Import-StellaTufPending.'
    Parameters  = @{
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        Path = 'The file to write.'
    }
    Examples    = @(
        @{ Code = 'Export-StellaTufPending -Repo /srv/tuf /media/usb/root-2.json'; Remarks = 'Export for an offline holder.' }
    )
}

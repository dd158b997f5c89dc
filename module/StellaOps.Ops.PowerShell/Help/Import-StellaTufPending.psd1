@{
    Synopsis    = 'Takes a signed pending file''s signatures into the pending root.'
    Description = 'The file must be the same pending root; every signature it adds must verify with a key of the old or the new root, or nothing is imported. Writes who still has to sign (nothing when both thresholds are met).'
    Parameters  = @{
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        Path = 'The signed pending file.'
    }
    Examples    = @(
        @{ Code = 'Import-StellaTufPending -Repo /srv/tuf /media/usb/root-2.json'; Remarks = 'Import, then run Update-StellaTufMetadata to promote the root.' }
    )
}

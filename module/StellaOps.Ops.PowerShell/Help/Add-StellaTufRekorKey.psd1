@{
    Synopsis    = 'Adds a transparency-log key to trusted_root.json (rotate-rekor-key.sh add-key).'
    Description = 'Lists the PEM public key with a window open from now (the grace period is the overlap with the old key) and re-signs.'
    Parameters  = @{
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        PublicKey = 'The PEM public key file.'
        Name = 'The key''s name for later commands (default: the file name without "new-" and extension).'
        Url = 'The log''s URL (default: the Rekor URL in use now).'
    }
    Examples    = @(
        @{ Code = 'Add-StellaTufRekorKey -Repo /srv/tuf /secure/new-rekor-key-v2.pub'; Remarks = 'Adds rekor-key-v2.' }
    )
}

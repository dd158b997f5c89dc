@{
    Synopsis    = 'Retires an issuer signing key (rotate-signing-key.sh retire).'
    Description = 'Ends the key''s window in signing-keys.json now and re-signs: verifiers stop accepting it.'
    Parameters  = @{
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        Name = 'The key''s name.'
    }
    Examples    = @(
        @{ Code = 'Disable-StellaTufSigningKey -Repo /srv/tuf compromised-key-name'; Remarks = 'Retire it.' }
    )
}

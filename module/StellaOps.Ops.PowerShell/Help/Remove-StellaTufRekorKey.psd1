@{
    Synopsis    = 'Ends a transparency-log key''s window in trusted_root.json (rotate-rekor-key.sh remove-old).'
    Description = 'Sets the key''s end now (a compromise) or at -At, and re-signs.'
    Parameters  = @{
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        Name = 'The key''s name (or base64 log id).'
        At = 'When the window ends (default now).'
        Force = 'Does not ask for confirmation (-WhatIf still only shows).'
    }
    Examples    = @(
        @{ Code = 'Remove-StellaTufRekorKey -Repo /srv/tuf rekor-key-v1 -Force'; Remarks = 'Emergency removal.' }
    )
}

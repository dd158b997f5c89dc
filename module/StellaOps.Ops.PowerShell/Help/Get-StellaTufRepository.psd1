@{
    Synopsis    = 'Shows a TUF repository''s roles, signatures and pending changes.'
    Description = 'Each roles version, expiry, keys, threshold, who signed and who has not; a pending root as its own row with who still has to sign; the target sources changed since the last signing.'
    Parameters  = @{
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaTufRepository -Repo /srv/tuf'; Remarks = 'The roles as a table.' }
        @{ Code = '(Get-StellaTufRepository).PendingChanges'; Remarks = 'What sign-metadata.sh would sign.' }
    )
}

@{
    Synopsis    = 'Swaps the Rekor URL in the signing config (disaster-swap-endpoint.sh).'
    Description = 'Ends every open Rekor window of the signing_config.v0.2.json target now, opens one for the URL from now, records the note in the change log and re-signs targets, snapshot and timestamp. The edited document is checked with the projects Sigstore parser.'
    Parameters  = @{
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        Url = 'The new Rekor URL.'
        Note = 'Why, for the change log.'
    }
    Examples    = @(
        @{ Code = 'Set-StellaTufRekorEndpoint -Repo /srv/tuf https://rekor-mirror.internal:8080 -Note "Emergency: outage"'; Remarks = 'Swap to the mirror.' }
    )
}

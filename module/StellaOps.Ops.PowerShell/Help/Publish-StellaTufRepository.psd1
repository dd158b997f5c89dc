@{
    Synopsis    = 'Publishes the signed repository atomically, timestamp last (publish.sh).'
    Description = 'Checks the metadata as a client would after what the destination serves now: thresholds, expired or expiring beyond policy, versions that do not increase, a root that is not N+1 or not signed by both thresholds, key ids that are not their keys'' ids, timestamp and snapshot out of step. Refuses with every reason; otherwise copies each file atomically, new versioned files first, timestamp.json last. Pending metadata is never published.'
    Parameters  = @{
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        Destination = 'The directory the TUF server serves (metadata/ and targets/ below it). Default: the repository''s publish/.'
    }
    Examples    = @(
        @{ Code = 'Publish-StellaTufRepository -Repo /srv/tuf /var/www/tuf'; Remarks = 'Publishes to the web server''s directory.' }
    )
}

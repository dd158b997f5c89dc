@{
    Synopsis    = 'Signs what changed with the keys present (sign-metadata.sh).'
    Description = 'Signs a pending root with the root keys present (promoted to N.root.json once both thresholds are met, otherwise left pending with the holders still to sign as a warning and in the result), a new targets version when content/ changed, and new snapshot and timestamp versions with the online keys; expiries by the repository''s policy.'
    Parameters  = @{
        Pkcs11Module = 'The holders'' tokens'' PKCS#11 library (default: $env:STELLA_TUF_PKCS11_MODULE, else the one the ceremony recorded).'
        PinEnvironmentVariable = 'The name of an environment variable that holds the token PIN; {holder} in the name stands for the holder''s name (one PIN each). PINs are never parameters; default $env:STELLA_TUF_TOKEN_PIN_FILE, then $env:STELLA_TUF_TOKEN_PIN, then a prompt.'
        PinFile = 'A file that holds the token PIN, readable by you only (checked); {holder} in the path stands for the holder''s name.'
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        Holder = 'The root key holders present here (default: every holder whose key file opens with the root password given).'
    }
    Examples    = @(
        @{ Code = 'Update-StellaTufMetadata -Repo /srv/tuf'; Remarks = 'Re-signs snapshot and timestamp, and whatever changed.' }
    )
}

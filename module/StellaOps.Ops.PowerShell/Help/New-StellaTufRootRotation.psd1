@{
    Synopsis    = 'Proposes the next root: new root keys, or a new threshold (tuf-ceremony rotate).'
    Description = 'Writes root N+1 to pending/root.json, signed by its new keys. It is published only when the old root''s threshold and the new one have signed it (Update-StellaTufMetadata with the holders present, or Export-StellaTufPending, Add-StellaTufSignature elsewhere, Import-StellaTufPending). A threshold change is a rotation too.'
    Parameters  = @{
        Token = 'New holders whose root key is generated on their own PKCS#11 token, @{ dave = ''dave-root'' } (sensitive, never extractable); the other new holders get key files.'
        Pkcs11Module = 'The holders'' tokens'' PKCS#11 library (default: $env:STELLA_TUF_PKCS11_MODULE, else the one the ceremony recorded).'
        PinEnvironmentVariable = 'The name of an environment variable that holds the token PIN; {holder} in the name stands for the holder''s name (one PIN each). PINs are never parameters; default $env:STELLA_TUF_TOKEN_PIN_FILE, then $env:STELLA_TUF_TOKEN_PIN, then a prompt.'
        PinFile = 'A file that holds the token PIN, readable by you only (checked); {holder} in the path stands for the holder''s name.'
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        Threshold = 'The new root threshold.'
        Holder = 'Holders who get new root keys (omit to keep the keys).'
        Algorithm = 'The algorithm of the new keys.'
    }
    Examples    = @(
        @{ Code = 'New-StellaTufRootRotation -Repo /srv/tuf -Threshold 4 -Holder a,b,c,d,e,f'; Remarks = 'A new 4-of-6 root, pending until 3 of the old holders sign.' }
    )
}

@{
    Synopsis    = 'Signs an exported pending root with one holder''s key file.'
    Description = 'Runs on the holder''s machine with no repository: adds (or replaces) the signature of that key. The password comes from the prompt or the named variable or file.'
    Parameters  = @{
        Pkcs11Module = 'The holders'' tokens'' PKCS#11 library (default: $env:STELLA_TUF_PKCS11_MODULE, else the one the ceremony recorded).'
        PinEnvironmentVariable = 'The name of an environment variable that holds the token PIN; {holder} in the name stands for the holder''s name (one PIN each). PINs are never parameters; default $env:STELLA_TUF_TOKEN_PIN_FILE, then $env:STELLA_TUF_TOKEN_PIN, then a prompt.'
        PinFile = 'A file that holds the token PIN, readable by you only (checked); {holder} in the path stands for the holder''s name.'
        TokenLabel = 'The label of your PKCS#11 token that holds your root key (instead of -KeyFile).'
        HolderName = 'Your name as the ceremony recorded it (for the PIN prompt and a {holder} PIN source; default holder).'
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        Path = 'The exported pending file.'
        KeyFile = 'The holders encrypted key file.'
    }
    Examples    = @(
        @{ Code = 'Add-StellaTufSignature /media/usb/root-2.json -KeyFile ~/holder-3.root1.p8'; Remarks = 'Sign as holder-3.' }
    )
}

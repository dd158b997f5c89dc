@{
    Synopsis    = 'Generates an issuer signing key and publishes its public key (rotate-signing-key.sh generate).'
    Description = 'Writes the private key encrypted with the online password under keys/signing/, lists the public key in the signing-keys.json target valid from now, re-signs, and returns the PEM public key.'
    Parameters  = @{
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        KeyType = 'ecdsa-p256 or ed25519.'
        Name = 'The key''s name (default signing-key-<time>).'
    }
    Examples    = @(
        @{ Code = 'New-StellaTufSigningKey -Repo /srv/tuf -KeyType ecdsa-p256 > new-key.pem'; Remarks = 'The PEM to hand to CI.' }
    )
}

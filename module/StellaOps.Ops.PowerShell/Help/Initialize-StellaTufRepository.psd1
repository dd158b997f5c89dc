@{
    Synopsis    = 'Creates a TUF repository in a root key ceremony (tuf-ceremony init).'
    Description = 'Makes M-of-N root keys (one PKCS#8 PBES2-encrypted key file per holder under keys/root/), online keys for targets, snapshot and timestamp, root 1 with consistent snapshots signed by every root key, the first Sigstore targets (signing_config.v0.2.json, trusted_root.json, signing-keys.json), expiry policies per role (tuf-repository.json) and a ceremony record in ceremonies/ naming who holds which key by fingerprint. Works with no daemon, on an air-gapped machine.'
    Parameters  = @{
        Pkcs11Module = 'The holders'' tokens'' PKCS#11 library (default: $env:STELLA_TUF_PKCS11_MODULE, else the one the ceremony recorded).'
        PinEnvironmentVariable = 'The name of an environment variable that holds the token PIN; {holder} in the name stands for the holder''s name (one PIN each). PINs are never parameters; default $env:STELLA_TUF_TOKEN_PIN_FILE, then $env:STELLA_TUF_TOKEN_PIN, then a prompt.'
        PinFile = 'A file that holds the token PIN, readable by you only (checked); {holder} in the path stands for the holder''s name.'
        Token = 'Holders whose root key is generated on their own PKCS#11 token, @{ alice = ''alice-root''; bob = ''bob-root'' }: the key is made on the token (sensitive, never extractable) and the ceremony records token, library and CKA_ID; the other holders get key files.'
        Repo = 'The TUF repository directory made by Initialize-StellaTufRepository (default: the current directory). No daemon is needed.'
        PasswordEnvironmentVariable = 'The name of an environment variable that holds the root key password (for scripts). Passwords are never parameters; without this, -PasswordFile or $env:STELLA_TUF_ROOT_PASSWORD, you are prompted.'
        PasswordFile = 'A file that holds the root key password; it must be readable by you only (checked). For scripts.'
        OnlinePasswordFile = 'A file that holds the online key''s password (timestamp, snapshot, targets). Default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD, then a prompt.'
        Threshold = 'How many root keys must sign a root (M).'
        Keys = 'How many root keys (N), one per holder.'
        Algorithm = 'ed25519 or ecdsa-p256, for the root and online keys.'
        Holder = 'The key holders names, one per key (default holder-1 … holder-N).'
        RekorUrl = 'The Rekor URL the first signing config names (default https://rekor.sigstore.dev).'
        KdfIterations = 'PBKDF2-SHA256 iterations of the key files (default 600000).'
    }
    Examples    = @(
        @{ Code = 'Initialize-StellaTufRepository -Repo /srv/tuf -Threshold 2 -Keys 3 -Algorithm ecdsa-p256 -Holder alice,bob,carol -Token @{ alice = ''alice-root''; bob = ''bob-root''; carol = ''carol-root'' } -Pkcs11Module /usr/lib/softhsm/libsofthsm2.so -PinFile ''/secure/pins/{holder}.pin'''; Remarks = 'A 2-of-3 ceremony with every root key generated on its holder''s token; each PIN is read from that holder''s owner-only file (tuf-ceremony init --token alice=alice-root … --pin-file ''/secure/pins/{holder}.pin'').' }
        @{ Code = '$env:STELLA_TUF_ONLINE_PASSWORD_FILE = "/secure/online.pw"; Initialize-StellaTufRepository -Repo /srv/tuf -Threshold 3 -Keys 5 -Algorithm ed25519'; Remarks = 'A 3-of-5 ceremony; each holder is prompted for their key''s password (tuf-ceremony init --threshold 3 --keys 5 --algorithm ed25519).' }
    )
}

@{
    Synopsis    = 'Generates a new signing key in the HSM or in software.'
    Description = 'Asks the daemon to generate a key pair. The private key never leaves the HSM (or the daemon''s protected software key store); the new key becomes the active key for its purpose when its provider has no active key for that purpose (the first key, or the first software key after ''stella attest config set signing.mode software''), and is Inactive otherwise, until Enable-StellaKey activates it. Without -Provider the daemon follows attest.signing.mode; -HsmSlot always means the HSM. Supports -WhatIf and -Confirm. Runbook form: stella keys generate --type signing --algorithm ecdsa-p256 --validity 365d --name <name> [--hsm-slot <slot>].'
    Parameters  = @{
        Type      = 'The key type. Signing (the default) is the only type.'
        Algorithm = 'The signature algorithm: EcdsaP256 (default), EcdsaP384, Rsa3072 or Ed25519. The runbook names ecdsa-p256, ecdsa-p384, rsa-3072 and ed25519 are accepted too.'
        Validity  = 'How long the key is valid from now, e.g. 365d (the default) or 90d.'
        Name      = 'A name for the key, e.g. signing-key-20250101. Names are for people; the Id identifies the key.'
        HsmSlot   = 'The HSM slot to generate in (primary, backup, token label, serial or slot id). A slot names the HSM: the key is generated there whatever attest.signing.mode says. Default: the configured token.'
        Provider  = 'Where to generate the key: Hsm or Software. Default: Hsm with -HsmSlot, otherwise what attest.signing.mode says.'
        Purpose   = 'The purpose to register the key for. Default: attestation-signing.'
    }
    Examples    = @(
        @{ Code = 'New-StellaKey -Type Signing -Algorithm ecdsa-p256 -Validity 365d -Name "signing-key-$(Get-Date -Format yyyyMMdd)"'; Remarks = 'Signing key expired: a new key for a year (runbook: stella keys generate --type signing --algorithm ecdsa-p256 --validity 365d --name ...).' }
        @{ Code = 'New-StellaKey -Name backup-2025 -HsmSlot 1 | Register-StellaKey -Purpose attestation-signing'; Remarks = 'Generates in HSM slot 1 and registers the key for attestation signing.' }
        @{ Code = 'New-StellaKey -Name test -Provider Software -WhatIf'; Remarks = 'Shows what would be generated without generating it.' }
    )
}

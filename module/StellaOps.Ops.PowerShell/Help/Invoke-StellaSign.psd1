@{
    Synopsis    = 'Signs digests, files or bytes with the attestor''s signing key (or a named key) and returns the raw signatures.'
    Description = 'The daemon signs with attest.signing.key_id, else the active attestation-signing key of the signing mode (HSM or software), or with -KeyId. ECDSA signatures are ASN.1 DER, RSA PKCS#1 v1.5, Ed25519 raw. -Digest takes sha256:<hex> (sha384:<hex> for an ecdsa-p384 key; bare hex is read by its length, so Get-FileHash output can be piped in). -Path and -LiteralPath hash each file here and send only the digest (Ed25519 keys sign the whole file, so its bytes are sent). -InputObject signs bytes or text (UTF-8). Pipeline input is sent in batches of 256 without waiting for each answer, so thousands of items cost a few round trips; signatures come out in input order. An item that cannot be signed (bad digest, expired or revoked key, HSM unavailable) is a non-terminating error with the daemon''s error id (KeyExpired, HsmUnavailable, InvalidArgument, ...) and the item as target, in the item''s place among the signatures; the others are still signed. A refusal of the command as a whole (PermissionDenied for a Reader, Unauthorized) or a lost connection to the daemon ends the command with one terminating error, not one per item; Ctrl+C stops it at once, also while the daemon does not answer. Needs the Operator role; every call is audited. Returns StellaSignature objects (Signature, SignatureBase64, KeyId, Algorithm, Digest, Source).'
    Parameters  = @{
        Digest      = 'Digests to sign: sha256:<64 hex> (sha384:<96 hex> for ecdsa-p384 keys). Accepts strings and objects with a Digest or Hash property (Get-FileHash) from the pipeline. Not for Ed25519 keys: pass the data.'
        Path        = 'Files to sign; wildcards are expanded. Each file is hashed here (SHA-256, SHA-384 for ecdsa-p384 keys) and its digest signed.'
        LiteralPath = 'Files to sign, taken literally (no wildcards). Binds PSPath from the pipeline, so Get-ChildItem -File | Invoke-StellaSign works.'
        InputObject = 'Bytes (byte[]) or text (signed as UTF-8), or a collection of them; each is one signature.'
        KeyId       = 'The key to sign with (id, unique prefix of at least 8 characters, or name). Default: the attestor''s signing key.'
    }
    Examples    = @(
        @{ Code = 'Invoke-StellaSign -Digest sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'; Remarks = 'Signs one digest with the attestor''s signing key.' }
        @{ Code = 'Get-ChildItem ./dist -File | Invoke-StellaSign | Select-Object Source, SignatureBase64'; Remarks = 'Signs every release file (hashed locally, one batched call per 256 files).' }
        @{ Code = 'Get-FileHash ./app.tar.gz | Invoke-StellaSign -KeyId $keyId'; Remarks = 'Signs a digest computed by Get-FileHash with a named key.' }
        @{ Code = 'Invoke-StellaSign -InputObject ([IO.File]::ReadAllBytes(''./payload.bin''))'; Remarks = 'Signs bytes in memory.' }
        @{ Code = 'Invoke-StellaSign -Path ./release/* -WhatIf'; Remarks = 'Shows which files would be signed, and with which key, without signing.' }
    )
}

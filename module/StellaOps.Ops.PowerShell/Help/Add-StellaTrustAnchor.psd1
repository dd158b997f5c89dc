@{
    Synopsis    = 'Trusts a root CA, an intermediate CA or a public key for verification.'
    Description = 'Reads the PEM file (with your permissions) and adds it to the daemon''s trust store, audited with who and when. Adding what is already there changes nothing and returns the stored anchor (Created is false). A root that is not a CA or has already expired is refused with the reason. An intermediate that chains to no anchor yet is kept, with a warning naming what is missing. A public key may be limited to signatures made from -NotBefore until -Expires: a rotated-out key then verifies what it signed before -Expires and not what was signed after. Operators only; supports -WhatIf and -Confirm. Runbook lines: "stella trust-anchors add --cert", "add-intermediate --cert", "add-key --key <pem> --expires <date>".'
    Parameters  = @{
        Certificate  = 'PEM file of a root CA certificate (a trust anchor chains must end at). Accepts file objects (FullName) from the pipeline.'
        Intermediate = 'PEM file of an intermediate CA certificate (a link chains may use).'
        PublicKey    = 'PEM file of a public key (-----BEGIN PUBLIC KEY-----), for example an old signing key exported with "stella keys show <key-id> --public".'
        Expires      = 'With -PublicKey: the last signing time the key is trusted for.'
        NotBefore    = 'With -PublicKey: the first signing time the key is trusted for.'
    }
    Examples    = @(
        @{ Code = 'stella trust-anchors add --cert ./issuer-ca.pem'; Remarks = 'Trust anchor missing: add the issuing root.' }
        @{ Code = 'Add-StellaTrustAnchor -Intermediate ./intermediate.pem'; Remarks = 'Intermediate missing: add it (a warning says when its root is not trusted yet).' }
        @{ Code = 'Add-StellaTrustAnchor -PublicKey ./old-key.pem -Expires 2026-11-30'; Remarks = 'Key rotated: trust the old key for what it signed until 30 November.' }
    )
}

@{
    Synopsis    = 'Makes a PKCS#10 certificate signing request for a signing key, signed by the key itself.'
    Description = 'The request asks for digitalSignature and code signing and is signed by the key (in the HSM for HSM keys; the private key never leaves it), so your CA can certify the key. The output is the PEM text itself: redirect it to a file. Then have the CA issue the certificate and store it with Set-StellaKeyCertificate. Operators only; audited; supports -WhatIf.'
    Parameters  = @{
        KeyId   = 'The key to request a certificate for (id, unique prefix or name). Accepts objects with a KeyId or Id property from the pipeline.'
        Subject = 'The distinguished name to request, like ''CN=release signing, O=Example''.'
    }
    Examples    = @(
        @{ Code = 'New-StellaCertificateRequest -KeyId $keyId -Subject ''CN=release signing, O=Example'' > signing.csr'; Remarks = 'Writes the CSR; "openssl req -in signing.csr -verify" checks it.' }
    )
}

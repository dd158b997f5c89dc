# Runbook 002 (attestation verification failures), the trust half: trust anchors, certificate chains, issuers.
# Every line runs verbatim through `stella`, in the runbook's order, each cause staged first. The CA is openssl's
# (made here, outside the project); the signing key's CSR is the daemon's, signed by the key itself.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
    $script:pki = Join-Path $daemon.Root 'pki'
    New-Item -ItemType Directory -Path $pki | Out-Null

    function Invoke-OpenSsl {
        $out = & openssl @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "openssl $($args -join ' ') failed: $out" }
    }
    Set-Content (Join-Path $pki 'ca.ext') "basicConstraints=critical,CA:TRUE`nkeyUsage=critical,keyCertSign,cRLSign"
    Set-Content (Join-Path $pki 'leaf.ext') "basicConstraints=critical,CA:FALSE`nkeyUsage=critical,digitalSignature`nextendedKeyUsage=codeSigning"
    $script:rootPem = Join-Path $pki 'issuer-cert.pem'
    $script:intermediatePem = Join-Path $pki 'intermediate.pem'
    Invoke-OpenSsl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout (Join-Path $pki 'root.key') -out $rootPem -days 3650 `
        -subj '/CN=Runbook Root/O=StellaOps Test' -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'
    Invoke-OpenSsl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout (Join-Path $pki 'int.key') -out (Join-Path $pki 'int.csr') -subj '/CN=Runbook Intermediate/O=StellaOps Test'
    Invoke-OpenSsl x509 -req -in (Join-Path $pki 'int.csr') -CA $rootPem -CAkey (Join-Path $pki 'root.key') -CAcreateserial -out $intermediatePem -days 1000 -extfile (Join-Path $pki 'ca.ext')

    $script:key = stella keys generate --type signing --algorithm ecdsa-p256 --name runbook-002
    $csr = Join-Path $pki 'signing.csr'
    New-StellaCertificateRequest -KeyId $key.Id -Subject 'CN=runbook 002 signing, O=StellaOps Test' | Set-Content $csr
    Invoke-OpenSsl req -in $csr -noout -verify
    $script:leafPem = Join-Path $pki 'leaf.pem'
    Invoke-OpenSsl x509 -req -in $csr -CA $intermediatePem -CAkey (Join-Path $pki 'int.key') -CAcreateserial -out $leafPem -days 365 -extfile (Join-Path $pki 'leaf.ext')
    # Cause staged: the key's certificate is stored without its intermediate, and nothing is a trust anchor yet.
    Set-StellaKeyCertificate -Id $key.Id -Path $leafPem -WarningAction SilentlyContinue | Out-Null
    $script:attestation = stella attest create --subject "sha256:$('d' * 64)" --type test
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'Runbook 002 trust lines, in order' {
    It 'stella trust-anchors list: an empty trust store' {
        @(stella trust-anchors list) | Should -HaveCount 0
    }
    It 'stella verify cert-chain --attestation ATTESTATION-ID: the missing intermediate is the failing link' {
        $links = stella verify cert-chain --attestation $attestation.Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $links[0].Role | Should -Be 'Leaf'
        $links[-1].Status | Should -Be 'IntermediateMissing'
        $links[-1].Fix | Should -Be 'stella trust-anchors add-intermediate --cert <intermediate.pem>'
        $errs[0].FullyQualifiedErrorId | Should -Be 'CertificateChainInvalid,StellaOps.Ops.PowerShell.Trust.TestStellaCertificateChainCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $errs[0].Exception.Message | Should -Match 'certificate chain invalid'
    }
    It 'stella issuer trust-status ISSUER-ID: a known issuer nobody approved is not trusted' {
        # Staged: this daemon publishes its issuer document and fetches it as issuer "local", trusting its key first.
        $script:issuerKeyPem = Join-Path $pki 'issuer-key.pem'
        stella keys show $key.Id --public | Set-Content $issuerKeyPem
        Publish-StellaKey -Id $key.Id | Out-Null
        Add-StellaTrustAnchor -PublicKey $issuerKeyPem | Out-Null
        Update-StellaIssuerKey -Id local -Source (Join-Path $daemon.StateDir 'issuers/local') | Out-Null
        $status = stella issuer trust-status local
        $status | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.IssuerInfo])
        $status.Status | Should -Be 'PendingApproval'
        $status.Reason | Should -Match 'issuer not trusted'
        $status.Keys.KeyId | Should -Be @($key.Id)
    }
    It 'stella trust-anchors add --cert ISSUER-CERT.PEM: the root is added, and adding it again changes nothing' {
        $root = stella trust-anchors add --cert $rootPem
        $root.Kind | Should -Be 'Root'
        $root.Created | Should -BeTrue
        $root.Subject | Should -Match 'Runbook Root'
        (stella trust-anchors add --cert $rootPem).Created | Should -BeFalse
        @(Get-StellaTrustAnchor -Kind Root) | Should -HaveCount 1
    }
    It 'Add-StellaTrustAnchor -WhatIf changes nothing' {
        Add-StellaTrustAnchor -Intermediate $intermediatePem -WhatIf | Should -BeNullOrEmpty
        @(Get-StellaTrustAnchor -Kind Intermediate) | Should -HaveCount 0
    }
    It 'stella trust-anchors add-intermediate --cert INTERMEDIATE.PEM: kept without a warning, as its root is trusted' {
        $intermediate = stella trust-anchors add-intermediate --cert $intermediatePem -WarningVariable warnings
        $intermediate.Kind | Should -Be 'Intermediate'
        $warnings | Should -BeNullOrEmpty
    }
    It 'stella verify cert-chain --attestation ATTESTATION-ID: every link passes and ends at the trust anchor' {
        $links = stella verify cert-chain --attestation $attestation.Id -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $links.Role | Should -Be @('Leaf', 'Intermediate', 'Root')
        $links.Status | Should -Be @('Valid', 'Valid', 'Trusted')
        $links | ForEach-Object { $_.AttestationId | Should -Be $attestation.Id }
    }
    It 'stella trust-anchors add-key --key OLD-KEY.PEM --expires DATE: the rotated-out key is trusted until the date' {
        $rotation = Invoke-StellaKeyRotation -Id $key.Id -Confirm:$false
        $script:newKey = $rotation.Replacement
        $oldPem = Join-Path $pki 'old-key.pem'
        stella keys show $key.Id --public | Set-Content $oldPem
        # Staged: the bootstrap anchor of the issuer key (no window) goes; the issuer's own document vouches from now on.
        Remove-StellaTrustAnchor -Id $key.Id -Confirm:$false | Out-Null
        $until = (Get-Date).ToUniversalTime().AddDays(30).ToString('yyyy-MM-dd')
        $anchor = stella trust-anchors add-key --key $oldPem --expires $until
        $anchor.Kind | Should -Be 'Key'
        $anchor.Id | Should -Be $key.Id
        $anchor.Created | Should -BeTrue
        $anchor.NotAfter.UtcDateTime.Date | Should -Be ([datetime]::Parse($until).Date)
    }
    It 'stella issuer keys fetch ISSUER-ID: the rotation document, signed by old and new key, is accepted' {
        Publish-StellaKey -Id $newKey.Id | Out-Null
        $issuer = stella issuer keys fetch local
        $issuer.DocumentVersion | Should -Be 2
        $issuer.DocumentSignedBy | Should -Be @($key.Id)
        ($issuer.Keys | Where-Object KeyId -eq $newKey.Id).Status | Should -Be 'Active'
        ($issuer.Keys | Where-Object KeyId -eq $key.Id).Status | Should -Be 'Retired'
        # The same document again is a replay: refused, nothing changes.
        stella issuer keys fetch local -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'IssuerDocumentReplayed,StellaOps.Ops.PowerShell.Trust.UpdateStellaIssuerKeyCommand'
    }
    It 'stella verify cert --attestation ATTESTATION-ID --show-expiry: each link with its dates and days left' {
        $links = stella verify cert --attestation $attestation.Id --show-expiry
        $links | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'StellaOps.Ops.Contracts.Rpc.CertificateLink#Expiry' }
        $links[0].DaysLeft | Should -BeGreaterThan 300
        $links[0].NotAfter | Should -Not -BeNullOrEmpty
        ($links | Out-String) | Should -Match 'DaysLeft'
    }
    It 'stella issuer show ISSUER-ID' {
        $issuer = stella issuer show local
        $issuer.Id | Should -Be 'local'
        ($issuer | Out-String) | Should -Match 'PendingApproval'
    }
    It 'stella issuer trust ISSUER-ID --reason "Approved by security team": recorded with who and why, and trusted' {
        $issuer = stella issuer trust local --reason "Approved by security team"
        $issuer.Status | Should -Be 'Trusted'
        $issuer.Approvals[0].Reason | Should -Be 'Approved by security team'
        $issuer.Approvals[0].ApprovedBy | Should -Be ([Environment]::UserName)
    }
    It 'stella crypto cert verify-chain --key KEY-ID and update-chain --key KEY-ID: the chain is rebuilt and says what changed' {
        $links = stella crypto cert verify-chain --key $key.Id
        $links.Status | Should -Be @('Valid', 'Valid', 'Trusted')
        $update = stella crypto cert update-chain --key $key.Id
        $update.Changed | Should -BeTrue
        $update.Added.Subject | Should -Match 'Runbook Intermediate'
        $update.Message | Should -Match 'added'
        (stella crypto cert update-chain --key $key.Id).Message | Should -Match 'unchanged'
    }
}

Describe 'Trust cmdlet conventions' {
    It 'Remove-StellaTrustAnchor takes anchors from the pipeline and honours -WhatIf' {
        $before = @(Get-StellaTrustAnchor).Count
        Get-StellaTrustAnchor -Kind Intermediate | Remove-StellaTrustAnchor -WhatIf
        @(Get-StellaTrustAnchor).Count | Should -Be $before
        Get-StellaTrustAnchor -Kind Intermediate | Remove-StellaTrustAnchor -Confirm:$false | ForEach-Object Kind | Should -Be 'Intermediate'
        @(Get-StellaTrustAnchor).Count | Should -Be ($before - 1)
    }
    It 'a refused root is an ErrorRecord with a stable id and the reason' {
        $leafOnly = Join-Path $pki 'leaf.pem'
        Add-StellaTrustAnchor -Certificate $leafOnly -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'TrustAnchorRefused,StellaOps.Ops.PowerShell.Trust.AddStellaTrustAnchorCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errs[0].Exception.Message | Should -Match 'not a CA'
    }
    It 'completes trust anchor ids from the live connection' {
        $anchor = @(Get-StellaTrustAnchor -Kind Root)[0]
        $line = "Get-StellaTrustAnchor -Id $($anchor.Id.Substring(0, 6))"
        $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completions.CompletionMatches.CompletionText | Should -Contain $anchor.Id
    }
    It 'an issuer document in a folder others may write, or behind a link, is refused unread (PathTrust)' {
        $open = Join-Path $daemon.Root 'open-issuer'
        New-Item -ItemType Directory -Path $open | Out-Null
        $document = Join-Path $daemon.StateDir 'issuers/local/issuer.json'
        Copy-Item $document $open
        & chmod 0777 $open
        Update-StellaIssuerKey -Id local -Source $open -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'UntrustedPath,StellaOps.Ops.PowerShell.Trust.UpdateStellaIssuerKeyCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $errs[0].Exception.Message | Should -Match ([regex]::Escape($open))
        & chmod 0755 $open
        Remove-Item (Join-Path $open 'issuer.json')
        New-Item -ItemType SymbolicLink -Path (Join-Path $open 'issuer.json') -Target $document | Out-Null
        Update-StellaIssuerKey -Id local -Source $open -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'UntrustedPath,*'
        $errs[0].Exception.Message | Should -Match 'symbolic link'
    }
    It 'New-StellaCertificateRequest writes the PEM itself' {
        $pem = New-StellaCertificateRequest -KeyId $newKey.Id -Subject 'CN=pipe test'
        $pem | Should -BeOfType ([string])
        $pem | Should -Match '^-----BEGIN CERTIFICATE REQUEST-----'
    }
}

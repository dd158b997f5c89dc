# Runbook 002 "attestation verification failures" (../shared/seeds/002_5c7c00eed3e44982.txt), every `stella …` line
# verbatim, in the runbook's order, one It per line (placeholders in capitals, as Pester reads <x> in a name as a
# template), against one real daemon. Each cause is staged first, in the It
# of the runbook line that diagnoses or fixes it, and each It asserts what the runbook expects of its line. The CA is
# openssl's and the envelopes outside the project are signed with openssl or .NET here; the signing keys' CSRs are the
# daemon's, signed by the keys themselves. Trust.Tests.ps1 and Verification.Tests.ps1 test the cmdlets in more depth.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
    $script:pki = Join-Path $daemon.Root 'pki'
    New-Item -ItemType Directory -Path $pki | Out-Null

    function script:Invoke-OpenSsl {
        $out = & openssl @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "openssl $($args -join ' ') failed: $out" }
    }
    function script:Use-SigningKey([string] $Id) { stella attest config set signing.key_id $Id | Out-Null }
    # DSSE pre-authentication encoding, written here (not the project's) for the envelopes made outside it.
    function script:Get-Pae([byte[]] $Body) {
        $type = 'application/vnd.in-toto+json'
        [byte[]] ([Text.Encoding]::UTF8.GetBytes("DSSEv1 $($type.Length) $type $($Body.Length) ") + $Body)
    }
    function script:New-Statement([string] $Name, [string] $Hex) {
        [Text.Encoding]::UTF8.GetBytes((@{ _type = 'https://in-toto.io/Statement/v1'; subject = @(@{ name = $Name; digest = @{ sha256 = $Hex } }); predicateType = 'https://stellaops.example/runbook/v1'; predicate = @{} } | ConvertTo-Json -Depth 5 -Compress))
    }

    # The issuer's PKI: root -> intermediate, by openssl.
    Set-Content (Join-Path $pki 'ca.ext') "basicConstraints=critical,CA:TRUE`nkeyUsage=critical,keyCertSign,cRLSign"
    Set-Content (Join-Path $pki 'leaf.ext') "basicConstraints=critical,CA:FALSE`nkeyUsage=critical,digitalSignature`nextendedKeyUsage=codeSigning"
    $script:rootPem = Join-Path $pki 'issuer-cert.pem'
    $script:intermediatePem = Join-Path $pki 'intermediate.pem'
    $script:intermediateKey = Join-Path $pki 'int.key'
    Invoke-OpenSsl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout (Join-Path $pki 'root.key') -out $rootPem -days 3650 `
        -subj '/CN=Runbook 002 Root/O=StellaOps Test' -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'
    Invoke-OpenSsl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $intermediateKey -out (Join-Path $pki 'int.csr') -subj '/CN=Runbook 002 Intermediate/O=StellaOps Test'
    Invoke-OpenSsl x509 -req -in (Join-Path $pki 'int.csr') -CA $rootPem -CAkey (Join-Path $pki 'root.key') -CAcreateserial -out $intermediatePem -days 1000 -extfile (Join-Path $pki 'ca.ext')

    # Key A signs the release's attestation; its certificate (from its own CSR) is stored without the intermediate.
    $script:keyA = stella keys generate --type signing --algorithm ecdsa-p256 --name runbook-002-release
    $csr = Join-Path $pki 'a.csr'
    New-StellaCertificateRequest -KeyId $keyA.Id -Subject 'CN=runbook 002 release signing, O=StellaOps Test' | Set-Content $csr
    $script:leafPem = Join-Path $pki 'a.pem'
    Invoke-OpenSsl x509 -req -in $csr -CA $intermediatePem -CAkey $intermediateKey -CAcreateserial -out $leafPem -days 365 -extfile (Join-Path $pki 'leaf.ext')
    Set-StellaKeyCertificate -Id $keyA.Id -Path $leafPem -WarningAction SilentlyContinue | Out-Null
    # Key I is the issuer "local"'s key (no certificate); keys made later must not take over signing by themselves.
    $script:keyI = stella keys generate --type signing --algorithm ecdsa-p256 --name runbook-002-issuer
    Use-SigningKey $keyA.Id
    $script:releaseDigest = 'sha256:' + ('5a' * 32)
    $script:release = stella attest create --subject "release:runbook-002@$releaseDigest" --type test
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'Runbook 002, every line in order' {
    # ---- Diagnosis: quick checks -------------------------------------------------------------------------------
    It '1. stella doctor --check check.attestor.verification-health: the failing verifications are the finding' {
        # Staged: the release pipeline's verification failed (no trust anchor, the intermediate missing).
        Test-StellaAttestation -Id $release.Id -ErrorAction SilentlyContinue | Out-Null
        $d = stella doctor --check check.attestor.verification-health -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $d.Check | Should -Be 'check.attestor.verification-health'
        $d.Status | Should -Be 'Fail'
        $d.Message | Should -Match 'verification\(s\) in the last hour failed'
        [int]$d.Evidence['trustAnchors'] | Should -Be 0
        $d.Remediation | Should -Match 'stella verify attestation --attestation <attestation-id> --verbose'
    }
    It '2. stella verify attestation --attestation ATTESTATION-ID --verbose: names the failed check and narrates each' {
        $out = stella verify attestation --attestation $release.Id --verbose -ErrorVariable errs -ErrorAction SilentlyContinue 4>&1
        $r = @($out | Where-Object { $_ -is [StellaOps.Ops.Contracts.Rpc.AttestationVerification] })
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $r | Should -HaveCount 1
        $r[0].Verified | Should -BeFalse
        "$($r[0].Failure)" | Should -BeIn @('TrustAnchorNotFound', 'CertificateChainIntermediateMissing')
        $r[0].Cause | Should -BeIn @('trust anchor not found', 'certificate chain invalid')
        $r[0].Fix | Should -Match 'stella trust-anchors add'
        $verbose | Should -Match 'certificate-chain: fail'
        $verbose | Should -Match 'signature: pass'
        $errs | Should -HaveCount 1
        $errs[0].CategoryInfo.Category | Should -Be 'SecurityError'
    }
    It '3. stella trust-anchors list: no trust anchor' {
        @(stella trust-anchors list) | Should -HaveCount 0
    }

    # ---- Diagnosis: deep ---------------------------------------------------------------------------------------
    It '4. stella attest show ATTESTATION-ID --details: signer identity, timestamp, subject' {
        $a = stella attest show $release.Id --details
        $a.Id | Should -Be $release.Id
        $a.KeyId | Should -Be $keyA.Id
        $a.SignedAt | Should -Not -BeNullOrEmpty
        $a.Subjects[0].Name | Should -Be 'release:runbook-002'
        $text = $a | Out-String
        $text | Should -Match "Signer key\s*:\s*$($keyA.Id)"
        $text | Should -Match 'History'
    }
    It '5. stella verify cert-chain --attestation ATTESTATION-ID: the intermediate is the missing link' {
        $links = stella verify cert-chain --attestation $release.Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $links[0].Role | Should -Be 'Leaf'
        $links[-1].Status | Should -Be 'IntermediateMissing'
        $links[-1].Fix | Should -Be 'stella trust-anchors add-intermediate --cert <intermediate.pem>'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'CertificateChainInvalid,*'
    }
    It '6. stella keys show KEY-ID --public: the PEM of the key the certificate carries' {
        $pem = stella keys show $keyA.Id --public
        $pem | Should -BeOfType ([string])
        $pem | Should -Match '^-----BEGIN PUBLIC KEY-----'
        $fromCertificate = (& openssl x509 -in $leafPem -noout -pubkey) -join "`n"
        $pem.Trim() | Should -Be $fromCertificate.Trim()
    }
    It '7. stella issuer trust-status ISSUER-ID: an issuer nobody approved yet is not trusted' {
        # Staged: this daemon publishes issuer "local" with key I, and fetches that document, trusting key I first.
        $script:issuerKeyPem = Join-Path $pki 'issuer-key.pem'
        stella keys show $keyI.Id --public | Set-Content $issuerKeyPem
        # The issuer document is signed by the signing key of the moment: key I while it is published.
        Use-SigningKey $keyI.Id
        Publish-StellaKey -Id $keyI.Id | Out-Null
        Use-SigningKey $keyA.Id
        Add-StellaTrustAnchor -PublicKey $issuerKeyPem | Out-Null
        Update-StellaIssuerKey -Id local -Source (Join-Path $daemon.StateDir 'issuers/local') | Out-Null
        $status = stella issuer trust-status local
        $status.Status | Should -Be 'PendingApproval'
        $status.Reason | Should -Match 'issuer not trusted'
        $status.Keys.KeyId | Should -Contain $keyI.Id
    }

    # ---- Resolution: immediate mitigation ----------------------------------------------------------------------
    It '8. stella trust-anchors add --cert ISSUER-CERT.PEM: the missing trust anchor is added' {
        $root = stella trust-anchors add --cert $rootPem
        $root.Kind | Should -Be 'Root'
        $root.Created | Should -BeTrue
        $root.Subject | Should -Match 'Runbook 002 Root'
    }
    It '9. stella trust-anchors add-intermediate --cert INTERMEDIATE.PEM: the missing intermediate is added' {
        $intermediate = stella trust-anchors add-intermediate --cert $intermediatePem -WarningVariable warnings
        $intermediate.Kind | Should -Be 'Intermediate'
        $warnings | Should -BeNullOrEmpty -Because 'its root is trusted now'
    }
    It '10. stella verify attestation --attestation ATTESTATION-ID --verbose: verified now' {
        $out = stella verify attestation --attestation $release.Id --verbose 4>&1
        $r = @($out | Where-Object { $_ -is [StellaOps.Ops.Contracts.Rpc.AttestationVerification] })
        $r[0].Verified | Should -BeTrue
        ($r[0].Checks | Where-Object Name -eq 'certificate-chain').Status | Should -Be 'Pass'
        (@($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n") | Should -Match 'certificate-chain: pass'
    }

    # ---- Root cause: signature mismatch ------------------------------------------------------------------------
    It '11. stella attest integrity-check ATTESTATION-ID: the modified attestation is found out' {
        # Staged: an attestation whose stored statement was changed behind the daemon's back (in its database).
        $script:tamperedDigest = 'sha256:' + ('7e' * 32)
        $script:tampered = stella attest create --subject "build:tamper-me@$tamperedDigest" --type test
        $db = (Get-ChildItem $daemon.StateDir -Recurse -Filter '*.db' | Select-Object -First 1).FullName
        & sqlite3 $db "UPDATE attestations SET statement = CAST(replace(CAST(statement AS TEXT), 'tamper-me', 'tampered!') AS BLOB) WHERE id = '$($tampered.Id)';"
        $LASTEXITCODE | Should -Be 0
        $before = Test-StellaAttestation -Id $tampered.Id -ErrorAction SilentlyContinue
        $before.Failure | Should -Be 'SignatureVerificationFailed'
        $before.Cause | Should -Be 'signature verification failed'
        $r = stella attest integrity-check $tampered.Id -ErrorAction SilentlyContinue
        $r.Intact | Should -BeFalse
    }
    It '12. stella attest create --subject DIGEST --type TYPE --force: the regenerated attestation verifies' {
        $script:regenerated = stella attest create --subject $tamperedDigest --type test --force
        $regenerated.Id | Should -Not -Be $tampered.Id
        $regenerated.Status | Should -Be 'Signed'
        (Test-StellaAttestation -Id $regenerated.Id).Verified | Should -BeTrue
    }

    # ---- Root cause: key rotated and old key not trusted -------------------------------------------------------
    It '13. stella trust-anchors add-key --key OLD-KEY.PEM --expires DATE: the old key verifies what it signed' {
        # Staged: an envelope the partner's old (rotated-out) key signed, outside the project (openssl over the PAE).
        $old = New-TestOpenSslEnvelope -Directory $pki -Name old
        $script:oldPem = $old.PublicKeyPem
        $script:oldEnvelope = $old.Envelope
        $before = Test-StellaAttestation -Path $oldEnvelope -ErrorAction SilentlyContinue
        $before.Failure | Should -Be 'TrustAnchorNotFound'
        $before.Fix | Should -Match 'stella trust-anchors add-key --key <old-key.pem> --expires <date>|stella trust-anchors add'

        $until = (Get-Date).ToUniversalTime().AddDays(30).ToString('yyyy-MM-dd')
        $anchor = stella trust-anchors add-key --key $oldPem --expires $until
        $anchor.Kind | Should -Be 'Key'
        $anchor.NotAfter.UtcDateTime.Date | Should -Be ([datetime]::Parse($until).Date)
        $after = Test-StellaAttestation -Path $oldEnvelope
        $after.Verified | Should -BeTrue
        ($after.Checks | Where-Object Name -eq 'key-valid-at-signing-time').Status | Should -Be 'Pass'
    }
    It '14. stella issuer keys fetch ISSUER-ID: the issuer''s rotation, signed by its old key, is accepted' {
        # Staged: issuer "local" rotates key I to I2 and publishes the new document.
        $script:keyI2 = (Invoke-StellaKeyRotation -Id $keyI.Id -Confirm:$false).Replacement
        Use-SigningKey $keyI2.Id
        Publish-StellaKey -Id $keyI2.Id | Out-Null
        Use-SigningKey $keyA.Id
        $issuer = stella issuer keys fetch local
        $issuer.DocumentVersion | Should -Be 2
        $issuer.DocumentSignedBy | Should -Contain $keyI.Id
        ($issuer.Keys | Where-Object KeyId -eq $keyI2.Id).Status | Should -Be 'Active'
    }

    # ---- Root cause: certificate expired -----------------------------------------------------------------------
    It '15. stella verify cert --attestation ATTESTATION-ID --show-expiry: the leaf expired before the signing' {
        # Staged: key C's certificate (issued by the intermediate from C's own CSR) ended yesterday; C signed anyway.
        $script:keyC = stella keys generate --type signing --algorithm ecdsa-p256 --name runbook-002-expired
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::LoadSigningRequestPem(
            (New-StellaCertificateRequest -KeyId $keyC.Id -Subject 'CN=runbook 002 expired signing, O=StellaOps Test'), [Security.Cryptography.HashAlgorithmName]::SHA256)
        $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($false, $false, 0, $true))
        $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('DigitalSignature', $true))
        $eku = [Security.Cryptography.OidCollection]::new(); $null = $eku.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.3'))
        $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($eku, $false))
        $intermediate = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($intermediatePem, $intermediateKey)
        $now = [DateTimeOffset]::UtcNow
        $expired = $request.Create($intermediate.SubjectName, [Security.Cryptography.X509Certificates.X509SignatureGenerator]::CreateForECDsa([Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($intermediate)),
            $now.AddDays(-30), $now.AddDays(-1), [byte[]](1..8))
        $expiredPem = Join-Path $pki 'c-expired.pem'
        Set-Content $expiredPem $expired.ExportCertificatePem()
        Set-StellaKeyCertificate -Id $keyC.Id -Path $expiredPem -WarningAction SilentlyContinue | Out-Null
        Use-SigningKey $keyC.Id
        $script:expiredAttestation = stella attest create --subject "build:expired-cert@sha256:$('e1' * 32)" --type test
        $before = Test-StellaAttestation -Id $expiredAttestation.Id -ErrorAction SilentlyContinue
        $before.Failure | Should -Be 'CertificateExpired'
        $before.Cause | Should -Be 'certificate expired'
        $before.Fix | Should -Match 'stella attest resign'

        $links = stella verify cert --attestation $expiredAttestation.Id --show-expiry -ErrorAction SilentlyContinue
        $links[0].Role | Should -Be 'Leaf'
        $links[0].DaysLeft | Should -BeLessThan 0
        $links[0].NotAfter.UtcDateTime | Should -BeLessThan ([datetime]::UtcNow)
        ($links | Out-String) | Should -Match 'DaysLeft'
    }
    It '16. stella attest resign ATTESTATION-ID: re-signed with the valid certificate, it verifies' {
        # The fix's premise: signing is back on key A, whose certificate is valid.
        Use-SigningKey $keyA.Id
        $resigned = stella attest resign $expiredAttestation.Id
        $resigned.Id | Should -Be $expiredAttestation.Id
        $resigned.KeyId | Should -Be $keyA.Id
        $r = Test-StellaAttestation -Id $expiredAttestation.Id
        $r.Verified | Should -BeTrue
        ($r.Checks | Where-Object Name -eq 'certificate-valid-at-signing-time').Status | Should -Be 'Pass'
    }

    # ---- Root cause: issuer not trusted ------------------------------------------------------------------------
    It '17. stella issuer show ISSUER-ID: the issuer, its keys and that nobody approved it' {
        # Staged: an attestation signed by the issuer's current key while the issuer awaits approval.
        Use-SigningKey $keyI2.Id
        $script:issuerAttestation = stella attest create --subject "build:issuer@sha256:$('15' * 32)" --type test
        Use-SigningKey $keyA.Id
        $before = Test-StellaAttestation -Id $issuerAttestation.Id -ErrorAction SilentlyContinue
        $before.Failure | Should -Be 'IssuerNotTrusted'
        $before.Cause | Should -Be 'issuer not trusted'
        $before.Fix | Should -Match 'stella issuer trust'

        $issuer = stella issuer show local
        $issuer.Id | Should -Be 'local'
        $issuer.Status | Should -Be 'PendingApproval'
        $issuer.Keys.KeyId | Should -Contain $keyI2.Id
        ($issuer | Out-String) | Should -Match 'PendingApproval'
    }
    It '18. stella issuer trust ISSUER-ID --reason "Approved by security team": trusted, with who and why' {
        $issuer = stella issuer trust local --reason "Approved by security team"
        $issuer.Status | Should -Be 'Trusted'
        $issuer.Approvals[0].Reason | Should -Be 'Approved by security team'
        $issuer.Approvals[0].ApprovedBy | Should -Be ([Environment]::UserName)
        (Test-StellaAttestation -Id $issuerAttestation.Id).Verified | Should -BeTrue
    }

    # ---- Root cause: algorithm not supported -------------------------------------------------------------------
    It '19. stella attest show ATTESTATION-ID | grep algorithm: the signature algorithm' {
        # Staged: a bundle whose certificate (issued by the trusted intermediate) carries a P-521 key, which no
        # installed crypto provider verifies; signed with .NET over the PAE.
        $p521 = [Security.Cryptography.ECDsa]::Create([Security.Cryptography.ECCurve+NamedCurves]::nistP521)
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=runbook 002 p521, O=StellaOps Test', $p521, [Security.Cryptography.HashAlgorithmName]::SHA512)
        $intermediate = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($intermediatePem, $intermediateKey)
        $now = [DateTimeOffset]::UtcNow
        $leaf = $request.Create($intermediate.SubjectName, [Security.Cryptography.X509Certificates.X509SignatureGenerator]::CreateForECDsa([Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($intermediate)),
            $now.AddDays(-1), $now.AddDays(30), [byte[]](9..16))
        $body = New-Statement 'build:p521' ('52' * 32)
        $sig = $p521.SignData((Get-Pae $body), [Security.Cryptography.HashAlgorithmName]::SHA512, [Security.Cryptography.DSASignatureFormat]::Rfc3279DerSequence)
        $bundle = Join-Path $pki 'p521.sigstore.json'
        @{
            mediaType            = 'application/vnd.dev.sigstore.bundle.v0.3+json'
            verificationMaterial = @{ certificate = @{ rawBytes = [Convert]::ToBase64String($leaf.RawData) }; tlogEntries = @() }
            dsseEnvelope         = @{ payloadType = 'application/vnd.in-toto+json'; payload = [Convert]::ToBase64String($body); signatures = @(@{ sig = [Convert]::ToBase64String($sig) }) }
        } | ConvertTo-Json -Depth 6 | Set-Content $bundle
        $r = Test-StellaAttestation -Path $bundle -ErrorAction SilentlyContinue
        $r.Failure | Should -Be 'AlgorithmNotSupported'
        $r.Cause | Should -Be 'algorithm not supported'
        $r.Fix | Should -Match 'stella crypto providers list --algorithms'

        # The runbook line, as written: the attestation's view piped to grep.
        $line = @(stella attest show $release.Id | grep algorithm)
        $line | Should -HaveCount 1
        $line[0] | Should -Match 'algorithm\s*:\s*ecdsa-p256'
    }
    It '20. stella crypto providers list --algorithms: what the installed providers verify' {
        $providers = @(stella crypto providers list --algorithms)
        $algorithms = @($providers | Where-Object Available | ForEach-Object { $_.Algorithms.Algorithm })
        $algorithms | Should -Contain 'ecdsa-p256'
        $algorithms | Should -Not -Contain 'ecdsa-p521'
        ($providers | Out-String) | Should -Match 'ecdsa-p256'
    }

    # ---- Verification ------------------------------------------------------------------------------------------
    It '21. stella verify attestation --attestation ATTESTATION-ID' {
        $r = stella verify attestation --attestation $release.Id
        $r.Verified | Should -BeTrue
        $r.KeyId | Should -Be $keyA.Id
        @($r.Checks | Where-Object Status -eq 'Fail') | Should -HaveCount 0
    }
    It '22. stella verify cert-chain --attestation ATTESTATION-ID' {
        $links = stella verify cert-chain --attestation $release.Id -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $links.Role | Should -Be @('Leaf', 'Intermediate', 'Root')
        $links.Status | Should -Be @('Valid', 'Valid', 'Trusted')
    }
    It '23. stella verify artifact --digest DIGEST' {
        $s = stella verify artifact --digest $releaseDigest
        $s.Verified | Should -BeTrue
        $s.Total | Should -Be 1
        $s.Results[0].Source | Should -Be $release.Id
    }
    It '24. stella attest logs --filter "verification" --level error --last 30m: each staged failure was logged' {
        $logs = @(stella attest logs --filter "verification" --level error --last 30m)
        $text = $logs.Message -join "`n"
        $text | Should -Match "verification failed for $($release.Id)"
        $text | Should -Match "verification failed for $($tampered.Id)"
        $text | Should -Match "verification failed for $($expiredAttestation.Id)"
    }
}

Describe 'Runbook 002 lines in a script, a function and an It' {
    It 'a script run with & that sets $ErrorActionPreference = Stop stops at a failed verification, naming the cause' {
        $path = Join-Path $TestDrive 'verify-step.ps1'
        Set-Content $path @'
param($Id)
$ErrorActionPreference = 'Stop'
try { stella verify attestation --attestation $Id; 'not reached' } catch { "caught $($_.FullyQualifiedErrorId)" }
'@
        $out = @(& $path $tampered.Id)
        # The result comes first (it is the output), then its error stops the script.
        $out | Should -HaveCount 2
        $out[0].Verified | Should -BeFalse
        $out[1] | Should -Be 'caught SignatureVerificationFailed,StellaOps.Ops.PowerShell.Verification.TestStellaAttestationCommand'
    }
    It 'a function runs the verification lines and returns their objects' {
        function Test-Release($Id, $Digest) {
            $ErrorActionPreference = 'Stop'
            stella verify attestation --attestation $Id
            stella verify cert-chain --attestation $Id
            stella verify artifact --digest $Digest
        }
        $out = @(Test-Release $release.Id $releaseDigest)
        $out[0].Verified | Should -BeTrue
        $out[1..3].Status | Should -Be @('Valid', 'Valid', 'Trusted')
        $out[4].Verified | Should -BeTrue
    }
}

# Verification (runbook 002 "attestation verification failures"): `stella verify attestation|artifact` and
# Test-StellaAttestation against a real daemon with a software key; offline -Path verification with no daemon.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
    $script:key = stella keys generate --type signing --algorithm ecdsa-p256
    $script:digest = 'sha256:' + ('ab' * 32)
    $script:signed = stella attest create --type test --subject "test:verification@$digest"
    $script:work = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stella-verify-$PID")
}
AfterAll {
    Stop-TestDaemon $script:daemon
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'stella verify attestation (runbook 002)' {
    It 'stella verify attestation --attestation (id) --verbose verifies and narrates every check' {
        $out = stella verify attestation --attestation $signed.Id --verbose 4>&1
        $r = @($out | Where-Object { $_ -is [StellaOps.Ops.Contracts.Rpc.AttestationVerification] })
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $r.Count | Should -Be 1
        $r[0].Verified | Should -BeTrue
        $r[0].KeyId | Should -Be $key.Id
        $r[0].SigningTimeSource | Should -Be 'DaemonRecord'
        $r[0].Subjects[0].Name | Should -Be 'test:verification'
        @($r[0].Checks | Where-Object Status -eq 'Fail').Count | Should -Be 0
        $verbose | Should -Match 'signature: pass'
        $verbose | Should -Match 'key-valid-at-signing-time: pass'
        $verbose | Should -Match 'transparency-log: skipped'
        ($r[0] | Out-String) | Should -Match 'Checks\s*:\s*Pass\s+envelope-well-formed'
    }
    It 'narrates the checks as $VerbosePreference and -Verbose say, in the caller''s scope, and only then' {
        $narration = { param($records) @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" }
        $quiet = & { $VerbosePreference = 'SilentlyContinue'; Test-StellaAttestation -Id $signed.Id 4>&1 }
        (& $narration $quiet) | Should -BeNullOrEmpty
        @($quiet | Where-Object { $_ -is [StellaOps.Ops.Contracts.Rpc.AttestationVerification] })[0].Checks.Count | Should -BeGreaterThan 5
        $byPreference = & { $VerbosePreference = 'Continue'; Test-StellaAttestation -Id $signed.Id 4>&1 }
        (& $narration $byPreference) | Should -Match 'signature: pass'
        $switchedOff = & { $VerbosePreference = 'Continue'; Test-StellaAttestation -Id $signed.Id -Verbose:$false 4>&1 }
        (& $narration $switchedOff) | Should -BeNullOrEmpty
        $bySwitch = & { $VerbosePreference = 'SilentlyContinue'; Test-StellaAttestation -Id $signed.Id -Verbose 4>&1 }
        (& $narration $bySwitch) | Should -Match 'signing time .* from DaemonRecord'
    }
    It 'stella verify attestation --last verifies the newest signed attestation' {
        $r = stella verify attestation --last
        $r.Source | Should -Be $signed.Id
        $r.Verified | Should -BeTrue
    }
    It 'takes pipeline input from Get-StellaAttestation; -Quiet returns only a bool' {
        $more = 1..3 | ForEach-Object { stella attest create --type test --subject "test:pipe-$_" --force }
        $results = @(Get-StellaAttestation -Status Signed | Test-StellaAttestation)
        $results.Count | Should -BeGreaterOrEqual 4
        $results.Verified | Should -Not -Contain $false
        Get-StellaAttestation -Status Signed | Test-StellaAttestation -Quiet | Should -BeExactly $true
        Test-StellaAttestation -Id $more[0].Id -Digest ('sha256:' + ('00' * 32)) -Quiet | Should -BeExactly $false
    }
    It 'stella verify artifact --digest <digest> summarises every attestation of the subject' {
        $s = stella verify artifact --digest $digest
        $s.Verified | Should -BeTrue
        $s.Total | Should -Be 1
        $s.Results[0].Source | Should -Be $signed.Id
    }
}

Describe 'failures are named, logged, counted and fail -ErrorAction Stop' {
    BeforeAll {
        $script:bundle = Join-Path $work 'signed.sigstore.json'
        Export-StellaAttestation -Id $signed.Id -Path $bundle -Format SigstoreBundle | Out-Null
        $json = Get-Content $bundle -Raw | ConvertFrom-Json
        $payload = [Convert]::FromBase64String($json.dsseEnvelope.payload)
        $payload[20] = $payload[20] -bxor 1
        $json.dsseEnvelope.payload = [Convert]::ToBase64String($payload)
        $script:tampered = Join-Path $work 'tampered.sigstore.json'
        $json | ConvertTo-Json -Depth 10 | Set-Content $tampered
    }
    It 'the exported bundle verifies through the daemon (-Path, no local trust)' {
        (Test-StellaAttestation -Path $bundle).Verified | Should -BeTrue
    }
    It 'a tampered bundle is a result with Verified = False and a SecurityError naming the cause' {
        $r = Test-StellaAttestation -Path $tampered -ErrorVariable errs -ErrorAction SilentlyContinue
        $r.Verified | Should -BeFalse
        "$($r.Failure)" | Should -BeIn @('InvalidAttestation', 'SignatureVerificationFailed') -Because 'one flipped payload byte breaks the statement or the signature'
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$($r.Failure),StellaOps.Ops.PowerShell.Verification.TestStellaAttestationCommand"
        $errs[0].ErrorDetails.RecommendedAction | Should -Match 'stella '
        { Test-StellaAttestation -Path $tampered -ErrorAction Stop } | Should -Throw
    }
    It 'stella attest logs --filter "verification" --level error --last 30m finds the failure' {
        $logs = @(stella attest logs --filter "verification" --level error --last 30m)
        $logs.Count | Should -BeGreaterOrEqual 1
        ($logs.Message -join "`n") | Should -Match 'verification failed for .*tampered'
    }
    It 'counts verifications and failures by reason' {
        (Get-StellaMetric attestor_verifications_total | Measure-Object Value -Sum).Sum | Should -BeGreaterOrEqual 5
        $failures = @(Get-StellaMetric attestor_verification_failures_total | Where-Object { $_.Tags['reason'] })
        $failures.Count | Should -BeGreaterOrEqual 1
    }
    It 'stella doctor --check check.attestor.verification-health reports the failure rate' {
        $d = stella doctor --check check.attestor.verification-health -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $d.Check | Should -Be 'check.attestor.verification-health'
        [int]$d.Evidence['failuresLastHour'] | Should -BeGreaterOrEqual 1
        $d.Status | Should -Be 'Fail' -Because 'over 5 % of the verifications in the last hour failed'
    }
}

Describe 'offline verification: -Path with -TrustedKey needs no daemon' {
    It 'verifies with the exported public key and an unreachable endpoint' {
        $pem = Join-Path $work 'key.pem'
        (stella keys show $key.Id --public) | Set-Content $pem
        $nowhere = Join-Path $work 'no-daemon.sock'
        $r = Test-StellaAttestation -Path $bundle -TrustedKey $pem -Endpoint $nowhere -WarningAction SilentlyContinue
        $r.Verified | Should -BeTrue
        $r.SigningTimeSource | Should -Be 'CurrentTime'
        $bad = Test-StellaAttestation -Path $tampered -TrustedKey $pem -Endpoint $nowhere -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $bad.Verified | Should -BeFalse
    }
    It 'with a daemon reachable, the files add to the daemon''s trust; without one they stand alone, said so' {
        # One bundle only the daemon's trust verifies (its own key), one envelope only the file does (a partner's key, openssl).
        $partner = New-TestOpenSslEnvelope -Directory $work -Name partner
        $both = @(Test-StellaAttestation -Path $bundle, $partner.Envelope -TrustedKey $partner.PublicKeyPem -WarningVariable warnings)
        $both.Verified | Should -Be @($true, $true)
        $warnings | Should -BeNullOrEmpty
        $both[0].TrustSources | Should -Be @("the daemon's trust ($($daemon.Endpoint))", "-TrustedKey $($partner.PublicKeyPem)")
        ($both[1].Checks | Where-Object Name -eq 'key-known').Evidence['source'] | Should -Be "the caller's -TrustedKey $($partner.PublicKeyPem)"

        $nowhere = Join-Path $work 'no-daemon.sock'
        $alone = @(Test-StellaAttestation -Path $bundle, $partner.Envelope -TrustedKey $partner.PublicKeyPem -Endpoint $nowhere -WarningVariable warnings -ErrorAction SilentlyContinue)
        $alone.Verified | Should -Be @($false, $true) -Because 'the daemon''s own key is not in the file'
        $alone[0].Failure | Should -Be 'TrustAnchorNotFound'
        $alone[1].TrustSources | Should -Be @("-TrustedKey $($partner.PublicKeyPem)")
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -Match "No daemon answers at $([regex]::Escape($nowhere)) .*: verified against -TrustedKey .* only, not the daemon's trust"
    }
}

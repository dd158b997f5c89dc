# The attestor cmdlets and every `stella attest …` runbook line, against a real daemon (software keys, no HSM).
# The blocks run in order and share one daemon: first with no signing key (signing fails, evidence is kept),
# then with a key (retry signs what failed), then the life of signed attestations.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
    # DsseVerifier and SigstoreBundle ship beside the module; load them for the round-trip checks.
    Add-Type -Path (Join-Path (Split-Path (Get-TestModulePath)) 'StellaOps.Ops.Attestation.dll')
    $script:InfoType = [StellaOps.Ops.Contracts.Rpc.AttestationInfo]
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue

    function Get-AttestationCount { @(Get-StellaAttestation).Count }
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'no signing key: signing fails, the evidence is kept (runbook 000)' {
    It 'stella attest status shows no signing key and why' {
        $s = stella attest status
        $s | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.AttestorStatus])
        $s.SigningMode | Should -Be 'software'
        $s.SigningKey | Should -BeNullOrEmpty
        $s.KeyProblem.Code | Should -Be 'NoActiveKey'
        $s.Daemon.ProcessId | Should -Be $script:daemon.Process.Id
        ($s | Out-String) | Should -Match 'KeyProblem\s*:\s*NoActiveKey'
    }
    It 'stella attest test-sign --verbose writes each step, the result, and an error naming the failed step' {
        $out = stella attest test-sign --verbose -ErrorVariable errs -ErrorAction SilentlyContinue 4>&1
        $result = @($out | Where-Object { $_ -is [StellaOps.Ops.Contracts.Rpc.SigningTestResult] })
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $result.Count | Should -Be 1
        $result[0].Success | Should -BeFalse
        ($verbose.Message -join "`n") | Should -Match 'resolve-key: FAILED'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'NoActiveKey,StellaOps.Ops.PowerShell.Attestor.TestStellaSigningCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].Exception.Message | Should -Match "step 'resolve-key'"
        $errs[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }
    It 'stella attest create --type test --subject "test:verification" writes the Failed attestation and a NoActiveKey error' {
        $a = stella attest create --type test --subject "test:verification" -ErrorVariable errs -ErrorAction SilentlyContinue
        $a | Should -BeOfType $InfoType
        $a.Status | Should -Be 'Failed'
        $a.Failure.Code | Should -Be 'NoActiveKey'
        $a.Failure.RecommendedAction | Should -Match 'stella keys generate'
        $a.Subjects[0].Name | Should -Be 'test:verification'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'NoActiveKey,StellaOps.Ops.PowerShell.Attestor.NewStellaAttestationCommand'
        $errs[0].TargetObject.Id | Should -Be $a.Id
        $errs[0].Exception.Message | Should -Match ([regex]::Escape($a.Id))
        $errs[0].ErrorDetails.RecommendedAction | Should -Match 'retry'
        $script:failed = $a
        # A second failure, for 'retry --failed' to sign later.
        $script:failed2 = stella attest create --type test --subject "test:retry-later" -ErrorAction SilentlyContinue
        $failed2.Status | Should -Be 'Failed'
    }
    It 'asking again while the cause is not fixed fails again with the current reason, on the same attestation' {
        $again = stella attest create --type test --subject "test:verification" -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns
        $again.Id | Should -Be $failed.Id
        $again.Status | Should -Be 'Failed'
        $again.Attempts | Should -Be 2
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'NoActiveKey,StellaOps.Ops.PowerShell.Attestor.NewStellaAttestationCommand'
        $errs[0].Exception.Message | Should -Match 'no active attestation-signing key'
        $warns.Count | Should -Be 0
    }
    It 'the failed attestation is stored and counted: status, Get-StellaAttestation -Status Failed, the metric' {
        @(Get-StellaAttestation -Status Failed -Last 1h).Id | Should -Contain $failed.Id
        $s = Get-StellaAttestorStatus
        $s.Failed | Should -BeGreaterOrEqual 1
        $s.SigningFailuresTotal | Should -BeGreaterOrEqual 1
        $s.LastFailure.AttestationId | Should -Be $failed.Id
        ($s.LastFailure | Get-StellaAttestation).Id | Should -Be $failed.Id
        $m = @(Get-StellaMetric attestor_signing_failures_total)
        $m.Count | Should -BeGreaterOrEqual 1
        ($m | Measure-Object Value -Sum).Sum | Should -BeGreaterOrEqual 1
        $m[0].Tags['reason'] | Should -Be 'NoActiveKey'
        @(Get-StellaMetric 'attestor_*').Name | Should -Contain 'attestor_signing_failures_total'
    }
    It 'stella attest logs --level error --last 30m shows the signing failure' {
        $logs = @(stella attest logs --level error --last 30m)
        ($logs.Message -join "`n") | Should -Match ([regex]::Escape($failed.Id.Substring(0, 12)))
    }
}

Describe 'a key is activated: retry signs what failed (runbook 000 mitigation and verification)' {
    It 'generates and activates a key, points signing at it and reloads (runbook lines verbatim)' {
        $key = stella keys generate --type signing --algorithm ecdsa-p256
        $key.Id | Should -Not -BeNullOrEmpty
        $key.Status | Should -Be 'Active' -Because 'the first software key becomes the active one'
        (stella keys activate $key.Id).Status | Should -Be 'Active'
        (stella attest config set signing.key_id $key.Id).Value | Should -Be $key.Id
        stella attest config set signing.mode software -WarningAction SilentlyContinue | Out-Null
        stella attest reload | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.ReloadResult])
        (stella attest status).SigningKey.Id | Should -Be $key.Id
        $script:key = $key
    }
    It 'Invoke-StellaAttestationRetry -WhatIf signs nothing' {
        Invoke-StellaAttestationRetry -Failed -Last 1h -WhatIf | Should -BeNullOrEmpty
        (Get-StellaAttestation -Id $failed.Id).Status | Should -Be 'Failed'
    }
    It 'a bare retry says what to give instead of prompting' {
        $err = $null
        try { Invoke-StellaAttestationRetry -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidArgument,StellaOps.Ops.PowerShell.Attestor.InvokeStellaAttestationRetryCommand'
        $err.Exception.Message | Should -Match '-Failed'
        (Get-StellaAttestation -Id $failed.Id).Status | Should -Be 'Failed'
    }
    It 'stella attest create --type test --subject "test:verification" (the verification step) signs the earlier failed attestation now' {
        $a = stella attest create --type test --subject "test:verification" -ErrorVariable errs -WarningVariable warns
        $errs.Count | Should -Be 0
        $warns.Count | Should -Be 0
        $a | Should -BeOfType $InfoType
        $a.Id | Should -Be $failed.Id
        $a.Status | Should -Be 'Signed'
        $a.KeyId | Should -Be $key.Id
        $a.Failure | Should -BeNullOrEmpty
        $stored = Get-StellaAttestation -Id $failed.Id
        $stored.Status | Should -Be 'Signed'
        $stored.History.Event | Should -Be @('created', 'sign-failed', 'retry', 'sign-failed', 'retry', 'signed')
        (Test-StellaAttestationIntegrity -Id $failed.Id).Intact | Should -BeTrue
        # Signed now: asking once more returns it, with the usual warning.
        (stella attest create --type test --subject "test:verification" -WarningAction SilentlyContinue).Id | Should -Be $failed.Id
    }
    It 'stella attest retry --failed --last 1h signs the failed attestation with the new key' {
        $r = @(stella attest retry --failed --last 1h -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $r.Id | Should -Contain $failed2.Id
        $signed = $r | Where-Object Id -eq $failed2.Id
        $signed.Status | Should -Be 'Signed'
        $signed.KeyId | Should -Be $key.Id
        (Get-StellaAttestation -Id $failed2.Id).Status | Should -Be 'Signed'
        @(Get-StellaAttestation -Status Failed).Count | Should -Be 0
    }
    It 'stella attest test-sign succeeds and names the key' {
        $r = stella attest test-sign -ErrorVariable errs
        $errs.Count | Should -Be 0
        $r.Success | Should -BeTrue
        $r.KeyId | Should -Be $key.Id
        @($r.Steps).Count | Should -BeGreaterOrEqual 3
        $r.Steps | Where-Object { -not $_.Success } | Should -BeNullOrEmpty
    }
    It 'stella attest create --type test --subject "test:key-rotation" signs at once' {
        $a = stella attest create --type test --subject "test:key-rotation" -ErrorVariable errs
        $errs.Count | Should -Be 0
        $a.Status | Should -Be 'Signed'
        $a.Algorithm | Should -Be 'EcdsaP256'
        $script:signed = $a
    }
}

Describe 'New-StellaAttestation' {
    It '-WhatIf creates nothing' {
        $before = Get-AttestationCount
        New-StellaAttestation -Type test -Subject 'whatif:subject' -WhatIf | Should -BeNullOrEmpty
        Get-AttestationCount | Should -Be $before
        @(Get-StellaAttestation -Subject 'whatif:subject').Count | Should -Be 0
    }
    It 'a bad subject digest is an InvalidArgument error that says what to give, and nothing is created' {
        $before = Get-AttestationCount
        $out = New-StellaAttestation -Type test -Subject 'app@sha256:ABC' -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidArgument,StellaOps.Ops.PowerShell.Attestor.NewStellaAttestationCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception.Message | Should -Match 'sha256 digest must be exactly 64 lowercase hex'
        $errs[0].ErrorDetails.RecommendedAction | Should -Match 'name@sha256'
        Get-AttestationCount | Should -Be $before
    }
    It 'one bad subject among good ones: the good ones are created, the bad one is reported' {
        $good = 'sha256:' + ('1' * 64)
        $out = @(New-StellaAttestation -Type sbom -Subject $good, 'sha256:xyz', 'mixed:ok' -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 2
        $out.Status | Should -Not -Contain 'Failed'
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be 'sha256:xyz'
    }
    It 'an existing attestation of the type is returned with a warning naming it; --force creates a new one' {
        $again = New-StellaAttestation -Type test -Subject 'test:key-rotation' -WarningVariable warns -WarningAction SilentlyContinue
        $again.Id | Should -Be $signed.Id
        "$warns" | Should -Match ([regex]::Escape($signed.Id))
        "$warns" | Should -Match '-Force'
        $digest = $signed.Subjects[0].Digest['sha256']
        $forced = stella attest create --subject "sha256:$digest" --type test --force -WarningVariable warns2
        $warns2.Count | Should -Be 0
        $forced.Id | Should -Not -Be $signed.Id
        $forced.Status | Should -Be 'Signed'
    }
    It 'hashes a file given by path (and by pipeline), naming the subject after the file' {
        $file = Join-Path $TestDrive 'app.tar'
        [System.IO.File]::WriteAllText($file, 'artifact bytes')
        $hash = (Get-FileHash $file -Algorithm SHA256).Hash.ToLowerInvariant()
        Push-Location $TestDrive
        try { $a = New-StellaAttestation -Type provenance -Subject ./app.tar }
        finally { Pop-Location }
        $a.Subjects[0].Name | Should -Be 'app.tar'
        $a.Subjects[0].Digest['sha256'] | Should -Be $hash
        $b = Get-Item $file | New-StellaAttestation -Type sbom
        $b.Subjects[0].Digest['sha256'] | Should -Be $hash
    }
    It 'a hashtable predicate is stored in the statement' {
        $a = New-StellaAttestation -Type test -Subject 'predicate:check' -Predicate @{ result = 'pass'; checks = @('a', 'b') }
        $statement = (Get-StellaAttestation -Id $a.Id).Statement | ConvertFrom-Json
        $statement.predicate.result | Should -Be 'pass'
        $statement.predicate.checks | Should -Be @('a', 'b')
        $statement.subject[0].name | Should -Be 'predicate:check'
    }
    It 'a predicate that is not JSON is refused before anything is created' {
        $before = Get-AttestationCount
        New-StellaAttestation -Type test -Subject 'bad:predicate' -Predicate 'no-such-file.json' -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        Get-AttestationCount | Should -Be $before
    }
    It 'batches a pipeline larger than one chunk: every subject gets its own signed attestation, in order' {
        $names = 1..300 | ForEach-Object { "batch:item-$_" }
        $out = @($names | New-StellaAttestation -Type test -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $out.Count | Should -Be 300
        ($out.Id | Sort-Object -Unique).Count | Should -Be 300
        $out.Status | Sort-Object -Unique | Should -Be 'Signed'
        $out[0].Subjects[0].Name | Should -Be 'batch:item-1'
        $out[299].Subjects[0].Name | Should -Be 'batch:item-300'
    }
}

Describe 'Get-StellaAttestation / stella attest show' {
    It 'completes attestation ids from the live connection (the newest ones)' {
        $newest = @(Get-StellaAttestation -Newest 1)[0]
        $line = "Get-StellaAttestation -Id $($newest.Id.Substring(0, 30))"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @($newest.Id)
    }
    It 'stella attest show ID returns the attestation with statement, envelope and history' {
        $a = stella attest show $failed.Id
        $a | Should -BeOfType $InfoType
        $a.Id | Should -Be $failed.Id
        $a.Statement | Should -Match 'test:verification'
        $a.Envelope | Should -Match 'payloadType'
        $a.History.Event | Should -Contain 'created'
        $a.History.Event | Should -Contain 'sign-failed'
        $a.History.Event | Should -Contain 'signed'
    }
    It 'stella attest show ID | grep algorithm finds the signature algorithm line' {
        $lines = stella attest show $signed.Id | grep algorithm
        @($lines).Count | Should -Be 1
        "$lines" | Should -Match 'algorithm\s*:\s*ecdsa-p256'
    }
    It 'stella attest show ID --details shows signer, timestamp, subject and history' {
        $text = stella attest show $failed.Id --details | Out-String
        $text | Should -Match 'Signer key\s*:\s*[0-9a-f]{64}'
        $text | Should -Match 'SignedAt\s*:'
        $text | Should -Match 'test:verification@sha256:'
        $text | Should -Match 'History\s*:.*created'
    }
    It 'gets by id from the pipeline (by value and by property name) and by an 8+ character prefix' {
        ($signed.Id | Get-StellaAttestation).Id | Should -Be $signed.Id
        ($signed | Get-StellaAttestation).Id | Should -Be $signed.Id
        (Get-StellaAttestation -Id $signed.Id.Substring(0, 12)).Id | Should -Be $signed.Id
    }
    It 'an unknown id is a non-terminating AttestationNotFound error; the other ids still come back' {
        $found = Get-StellaAttestation -Id ('0' * 64), $signed.Id -ErrorVariable errs -ErrorAction SilentlyContinue
        @($found).Id | Should -Be $signed.Id
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'AttestationNotFound,StellaOps.Ops.PowerShell.Attestor.GetStellaAttestationCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
    It 'lists newest first, filtered by type, subject wildcard, status and -Newest' {
        $list = @(Get-StellaAttestation -Newest 5)
        $list.Count | Should -Be 5
        $list[0].CreatedAt | Should -BeGreaterOrEqual $list[4].CreatedAt
        @(Get-StellaAttestation -Subject 'batch:item-*').Count | Should -Be 300
        @(Get-StellaAttestation -Type provenance).Type | Sort-Object -Unique | Should -Be 'provenance'
        @(Get-StellaAttestation -Status Signed -Last 1h).Count | Should -BeGreaterOrEqual 300
    }
}

Describe 'integrity-check, resign, export' {
    It 'stella attest integrity-check ID reports an intact attestation' {
        $r = stella attest integrity-check $signed.Id
        $r | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.IntegrityResult])
        $r.Intact | Should -BeTrue
        $r.Checks | Where-Object { -not $_.Passed } | Should -BeNullOrEmpty
    }
    It 'checks many ids from the pipeline; an unknown one is an error and the others are still checked' {
        $r = @($signed.Id, ('f' * 64), $failed.Id | Test-StellaAttestationIntegrity -ErrorVariable errs -ErrorAction SilentlyContinue)
        $r.Id | Should -Be @($signed.Id, $failed.Id)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AttestationNotFound,*'
        # The same ids in one -Id array: one call fails on the unknown id, so they are checked one by one.
        $r2 = @(Test-StellaAttestationIntegrity -Id $signed.Id, ('f' * 64), $failed.Id -ErrorVariable errs2 -ErrorAction SilentlyContinue)
        $r2.Id | Should -Be @($signed.Id, $failed.Id)
        $r2.Intact | Should -Be @($true, $true)
        $errs2.Count | Should -Be 1
        $errs2[0].TargetObject | Should -Be ('f' * 64)
    }
    It 'Invoke-StellaAttestationRetry -Resign streams ids: an unknown one is one error in its place, the others are re-signed in input order' {
        $ids = @(1..3 | ForEach-Object { (stella attest create --type test --subject "test:resign-stream-$_" --force).Id })
        $all = @($ids[0], ('f' * 32), $ids[1], $ids[2] | Invoke-StellaAttestationRetry -Resign -ErrorAction Continue 2>&1)
        $all | Should -HaveCount 4
        $all[1] | Should -BeOfType ([System.Management.Automation.ErrorRecord])
        $all[1].FullyQualifiedErrorId | Should -BeLike 'AttestationNotFound,*'
        $all[1].TargetObject | Should -Be ('f' * 32)
        @($all[0], $all[2], $all[3]).Id | Should -Be $ids
        @($all[0], $all[2], $all[3]).Status | Should -Be @('Signed', 'Signed', 'Signed')
        $ids | ForEach-Object { (Get-StellaAttestation -Id $_).History.Event | Should -Contain 'resigned' }
    }
    It 'stella attest resign ID signs it again; the history keeps the resign' {
        $r = stella attest resign $signed.Id
        $r.Status | Should -Be 'Signed'
        $r.Attempts | Should -BeGreaterThan $signed.Attempts
        (Get-StellaAttestation -Id $signed.Id).History.Event | Should -Contain 'resigned'
    }
    It 'a failed stella attest resign ID says the old signature stands and why no new one was made; the attestation stays signed' {
        # The signing key expires: it makes no new signature, and the ones it made stay valid.
        $short = stella keys generate --type signing --algorithm ecdsa-p256 --validity 5s --name resign-short
        stella keys activate $short.Id | Out-Null
        stella attest config set signing.key_id $short.Id | Out-Null
        try {
            $a = stella attest create --type test --subject "test:resign-after-expiry"
            $a.KeyId | Should -Be $short.Id
            Start-Sleep -Seconds 6
            $r = stella attest resign $a.Id -ErrorVariable errs -ErrorAction SilentlyContinue
            $r.Id | Should -Be $a.Id
            $r.Status | Should -Be 'Signed'
            $r.Failure | Should -BeNullOrEmpty
            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'KeyExpired,StellaOps.Ops.PowerShell.Attestor.InvokeStellaAttestationRetryCommand'
            $message = $errs[0].Exception.Message
            $message | Should -Match 'keeps its signature'
            $message | Should -Match 'stands'
            $message | Should -Match ([regex]::Escape($short.Id))
            $message | Should -Match 'expired'
            $message | Should -Not -Match 'recorded but unsigned'
            $errs[0].ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("stella attest resign $($a.Id)"))
            $errs[0].ErrorDetails.RecommendedAction | Should -Not -Match 'retry --failed'
            $stored = Get-StellaAttestation -Id $a.Id
            $stored.Status | Should -Be 'Signed'
            $stored.KeyId | Should -Be $short.Id
            $stored.Failure | Should -BeNullOrEmpty
            $stored.History.Event | Should -Contain 'resign-failed'
            (Test-StellaAttestationIntegrity -Id $a.Id).Intact | Should -BeTrue
            @(Get-StellaAttestation -Status Failed).Id | Should -Not -Contain $a.Id
        }
        finally {
            stella attest config set signing.key_id $key.Id | Out-Null
            stella keys activate $key.Id | Out-Null
        }
    }
    It 'retrying a signed attestation without -Resign is a Conflict error that says how to re-sign' {
        $out = Invoke-StellaAttestationRetry -Id $signed.Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.Id | Should -Be $signed.Id
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'Conflict,*'
        $errs[0].ErrorDetails.RecommendedAction | Should -Match 'resign'
    }
    It 'exports the DSSE envelope; the file verifies with DsseVerifier and the public key' {
        $file = Join-Path $TestDrive 'a.dsse.json'
        $fi = Export-StellaAttestation -Id $signed.Id -Path $file
        $fi | Should -BeOfType ([System.IO.FileInfo])
        $fi.FullName | Should -Be $file
        $pem = (Get-StellaPublicKey -Id $key.Id).Pem
        $trusted = [StellaOps.Ops.Attestation.Verification.TrustedKey]::FromPem($pem)
        $verifier = [StellaOps.Ops.Attestation.Verification.DsseVerifier]::new([StellaOps.Ops.Attestation.Verification.TrustedKey[]]@($trusted), $null)
        $report = $verifier.Verify([System.IO.File]::ReadAllText($file), $null)
        $report.Verified | Should -BeTrue
        $report.Statement.Subjects[0].Name | Should -Be 'test:key-rotation'
    }
    It 'does not overwrite without -Force; -WhatIf writes nothing; -Force overwrites' {
        $file = Join-Path $TestDrive 'a.dsse.json'
        [System.IO.File]::WriteAllText($file, 'keep me')
        Export-StellaAttestation -Id $signed.Id -Path $file -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'Conflict,StellaOps.Ops.PowerShell.Attestor.ExportStellaAttestationCommand'
        $errs[0].ErrorDetails.RecommendedAction | Should -Match '-Force'
        Export-StellaAttestation -Id $signed.Id -Path $file -Force -WhatIf | Should -BeNullOrEmpty
        Get-Content -Raw $file | Should -Be 'keep me'
        Export-StellaAttestation -Id $signed.Id -Path $file -Force | Should -Not -BeNullOrEmpty
        Get-Content -Raw $file | Should -Match 'payloadType'
    }
    It 'exports a Sigstore bundle into a folder under the suggested name; the bundle parses and (with node) verifies' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'bundles')
        $fi = $signed | Export-StellaAttestation -Path $dir.FullName -Format SigstoreBundle
        $fi.Name | Should -Be "$($signed.Id).sigstore.json"
        $bundle = [StellaOps.Ops.Attestation.Sigstore.SigstoreBundle]::Parse([System.IO.File]::ReadAllText($fi.FullName))
        $bundle | Should -Not -BeNullOrEmpty
        $checker = Join-Path (Get-Item $PSScriptRoot).Parent.FullName 'interop/verify-bundle.mjs'
        if ((Get-Command node -ErrorAction SilentlyContinue) -and (Test-Path (Join-Path (Split-Path $checker) 'node_modules/@sigstore'))) {
            $pemFile = Join-Path $TestDrive 'key.pem'
            Set-Content -Path $pemFile -Value (Get-StellaPublicKey -Id $key.Id).Pem
            & node $checker $fi.FullName $pemFile --quiet 2>&1 | Out-Null
            $LASTEXITCODE | Should -Be 0
        }
    }
    It 'an unknown attestation is an AttestationNotFound error and no file is written' {
        $file = Join-Path $TestDrive 'none.json'
        Export-StellaAttestation -Id ('e' * 64) -Path $file -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AttestationNotFound,*'
        Test-Path $file | Should -BeFalse
    }
}

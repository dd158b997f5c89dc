# Keys cmdlets and their `stella keys ...` runbook lines against a real daemon (software keys, no HSM needed).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
    $script:KeyInfoType = [StellaOps.Ops.Contracts.Rpc.KeyInfo]
    # Software keys: the test daemon has no HSM.
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'stella keys generate / New-StellaKey' {
    It 'the first key of a provider becomes its active key: software fallback has a key to sign with (runbooks 000, 003)' {
        (Get-StellaAttestorStatus).KeyProblem.Code | Should -Be 'NoActiveKey'
        $first = stella keys generate --type signing --algorithm ecdsa-p256 --name first-software-key
        $first.Provider | Should -Be 'Software'
        $first.Status | Should -Be 'Active'
        $first.ActivatedAt | Should -Not -BeNullOrEmpty
        (stella attest status).SigningKey.Id | Should -Be $first.Id
        (stella keys rotation-history --key $first.Id).Event | Should -Be @('generated', 'activated')
        $script:first = $first
    }
    It 'runs the runbook line verbatim and returns the new key, inactive beside the active one' {
        $key = stella keys generate --type signing --algorithm ecdsa-p256 --validity 365d --name "signing-key-$(date +%Y%m%d)"
        $key | Should -BeOfType $KeyInfoType
        $key.Name | Should -Be "signing-key-$(Get-Date -Format yyyyMMdd)"
        $key.Algorithm | Should -Be 'EcdsaP256'
        $key.Type | Should -Be 'Signing'
        $key.Provider | Should -Be 'Software'
        $key.Id | Should -Match '^[0-9a-f]{64}$'
        ($key.ExpiresAt - $key.CreatedAt).TotalDays | Should -BeGreaterOrEqual 364
        $key.Status | Should -Be 'Inactive'
        (Get-StellaAttestorStatus).SigningKey.Id | Should -Be $first.Id
        $script:generated = $key
    }
    It 'accepts runbook algorithm names and enum names' {
        (New-StellaKey -Name alg-runbook -Algorithm ecdsa-p384 -Provider Software).Algorithm | Should -Be 'EcdsaP384'
        (New-StellaKey -Name alg-enum -Algorithm Ed25519 -Provider Software).Algorithm | Should -Be 'Ed25519'
        { New-StellaKey -Name bad -Algorithm dsa-1024 } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,StellaOps.Ops.PowerShell.Keys.NewStellaKeyCommand'
    }
    It 'changes nothing with -WhatIf' {
        $before = @(Get-StellaKey).Count
        New-StellaKey -Name whatif-key -Provider Software -WhatIf | Should -BeNullOrEmpty
        @(Get-StellaKey).Count | Should -Be $before
        @(Get-StellaKey -Name whatif-key).Count | Should -Be 0
    }
}

Describe 'Get-StellaKey / stella keys list and show' {
    It 'stella keys list --type signing --show-expiration lists KeyInfo objects including the new key' {
        $all = @(stella keys list --type signing --show-expiration)
        $all | ForEach-Object { $_ | Should -BeOfType $KeyInfoType }
        $all.Id | Should -Contain $generated.Id
    }
    It 'stella keys list --type signing --status inactive returns only inactive keys' {
        $inactive = @(stella keys list --type signing --status inactive)
        $inactive.Id | Should -Contain $generated.Id
        $inactive | Where-Object Status -ne 'Inactive' | Should -BeNullOrEmpty
    }
    It 'completes key ids from the live connection by id prefix and by name' {
        $line = "Get-StellaKey -Id $($generated.Id.Substring(0, 10))"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @($generated.Id)
        $line = "Enable-StellaKey -Id $($generated.Name)"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain $generated.Id
    }
    It 'filters by name with wildcards and by -ExpiringWithin' {
        @(Get-StellaKey -Name 'signing-key-*').Id | Should -Contain $generated.Id
        @(Get-StellaKey -ExpiringWithin 7d).Id | Should -Not -Contain $generated.Id
        @(Get-StellaKey -ExpiringWithin 400d).Id | Should -Contain $generated.Id
        @(Get-StellaKey -ExpiringWithin '400d').Id | Should -Contain $generated.Id
        @(stella keys list --expiring-within 400d).Id | Should -Contain $generated.Id
    }
    It 'gets keys by id from the pipeline (by value and by property name) and writes an error per missing id' {
        ($generated.Id | Get-StellaKey).Id | Should -Be $generated.Id
        ($generated | Get-StellaKey).Id | Should -Be $generated.Id
        $found = Get-StellaKey -Id ('0' * 64), $generated.Id -ErrorVariable errs -ErrorAction SilentlyContinue
        @($found).Id | Should -Be $generated.Id
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'KeyNotFound,*'
        $errs[0].TargetObject | Should -Be ('0' * 64)
    }
    It 'stella keys show KEY-ID returns the key' {
        $k = stella keys show $generated.Id
        $k | Should -BeOfType $KeyInfoType
        $k.Id | Should -Be $generated.Id
    }
    It 'stella keys show KEY-ID --details | grep -i expir finds the expiry line' {
        $lines = stella keys show $generated.Id --details | grep -i expir
        @($lines).Count | Should -BeGreaterOrEqual 1
        ($lines -join "`n") | Should -Match 'ExpiresAt\s*:'
    }
    It 'stella keys show KEY-ID --public returns the PEM text itself' {
        $pub = stella keys show $generated.Id --public
        $pub | Should -BeOfType ([string])
        $pub | Should -Match '^-----BEGIN PUBLIC KEY-----'
        (Get-StellaPublicKey -Id $generated.Id).Pem | Should -Be $pub
    }
}

Describe 'activate, register, verify, rotation-history, publish, revoke' {
    It 'stella keys register KEY-ID --purpose attestation-signing' {
        $k = stella keys register $generated.Id --purpose attestation-signing
        $k.Purpose | Should -Be 'attestation-signing'
    }
    It 'Enable-StellaKey -WhatIf changes nothing' {
        Enable-StellaKey -Id $generated.Id -WhatIf | Should -BeNullOrEmpty
        (Get-StellaKey -Id $generated.Id).Status | Should -Be 'Inactive'
    }
    It 'stella keys activate KEY-ID makes it the active key' {
        $k = stella keys activate $generated.Id
        $k.Status | Should -Be 'Active'
        (Get-StellaKey -Id $generated.Id).Status | Should -Be 'Active'
        @(stella keys list --type signing --status active).Id | Should -Contain $generated.Id
    }
    It 'stella keys verify KEY-ID --operation sign succeeds' {
        $r = stella keys verify $generated.Id --operation sign
        $r | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.KeyTestResult])
        $r.Success | Should -BeTrue
        $r.Operation | Should -Be 'Sign'
    }
    It 'stella keys rotation-history --key KEY-ID returns its events' {
        $events = @(stella keys rotation-history --key $generated.Id)
        $events | ForEach-Object { $_ | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.KeyEvent]) }
        $events.Count | Should -BeGreaterOrEqual 2
        $events | Where-Object KeyId -ne $generated.Id | Should -BeNullOrEmpty
    }
    It 'stella issuer keys publish KEY-ID returns the published key' {
        $p = stella issuer keys publish $generated.Id
        $p.Id | Should -Be $generated.Id
        $p.Path | Should -Not -BeNullOrEmpty
    }
    It 'Revoke-StellaKey -WhatIf changes nothing' {
        $k = New-StellaKey -Name revoke-me -Provider Software
        Revoke-StellaKey -Id $k.Id -Reason test -WhatIf | Should -BeNullOrEmpty
        (Get-StellaKey -Id $k.Id).Status | Should -Be 'Inactive'
        $r = Revoke-StellaKey -Id $k.Id -Reason test -Confirm:$false
        $r.Status | Should -Be 'Revoked'
        $r.RevocationReason | Should -Be 'test'
    }
}

Describe 'an expired key' {
    It 'a --validity 5s key expires and stella keys verify fails with KeyExpired' {
        $k = stella keys generate --type signing --algorithm ecdsa-p256 --validity 5s --name short-lived
        $k.Id | Should -Not -BeNullOrEmpty
        Start-Sleep -Seconds 6
        (Get-StellaKey -Id $k.Id).Status | Should -Be 'Expired'
        $r = stella keys verify $k.Id --operation sign -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'KeyExpired,StellaOps.Ops.PowerShell.Keys.TestStellaKeyCommand'
    }
}

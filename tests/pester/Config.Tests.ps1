BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'Get-StellaConfig' {
    It 'returns SettingInfo objects, with wildcards' {
        $all = @(Get-StellaConfig hsm.*)
        $all.Count | Should -BeGreaterOrEqual 4
        $all | ForEach-Object { $_ | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.SettingInfo]) }
        $all.Name | Should -Contain 'hsm.session.timeout'
    }
    It 'takes names from the pipeline by value and by property name' {
        @('hsm.session.timeout', 'log.retention' | Get-StellaConfig).Name | Should -Be @('hsm.session.timeout', 'log.retention')
        @([pscustomobject]@{ Name = 'ipc.max_connections' } | Get-StellaConfig).Name | Should -Be 'ipc.max_connections'
    }
    It 'writes a non-terminating ObjectNotFound error per missing name and still returns the others' {
        $found = Get-StellaConfig -Name 'attest.signing.mod', 'attest.signing.mode' -ErrorVariable errs -ErrorAction SilentlyContinue
        @($found).Name | Should -Be 'attest.signing.mode'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SettingNotFound,StellaOps.Ops.PowerShell.Config.GetStellaConfigCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'attest.signing.mod'
        $errs[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }
}

Describe 'Set-StellaConfig and Reset-StellaConfig' {
    It 'round-trips a value and normalizes durations (300s -> 5m), Source Runtime' {
        $r = Set-StellaConfig -Name hsm.session.timeout -Value 300s -PassThru
        $r.Value | Should -Be '5m'
        $r.Source | Should -Be 'Runtime'
        (Get-StellaConfig hsm.session.timeout).Value | Should -Be '5m'
        (Get-StellaConfig hsm.session.timeout).ChangedBy | Should -Not -BeNullOrEmpty
    }
    It 'returns nothing without -PassThru' {
        Set-StellaConfig -Name log.retention -Value 14d | Should -BeNullOrEmpty
    }
    It 'rejects an invalid value with InvalidSetting / InvalidArgument and leaves the value unchanged' {
        Set-StellaConfig -Name hsm.session.keepalive_interval -Value 45s
        Set-StellaConfig -Name hsm.session.keepalive_interval -Value banana -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidSetting,StellaOps.Ops.PowerShell.Config.SetStellaConfigCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-StellaConfig hsm.session.keepalive_interval).Value | Should -Be '45s'
    }
    It 'makes no change with -WhatIf' {
        $before = (Get-StellaConfig keys.rotation.overlap_days).Value
        Set-StellaConfig -Name keys.rotation.overlap_days -Value 99 -WhatIf
        Reset-StellaConfig -Name hsm.session.timeout -WhatIf
        (Get-StellaConfig keys.rotation.overlap_days).Value | Should -Be $before
        (Get-StellaConfig hsm.session.timeout).Source | Should -Be 'Runtime'
    }
    It 'takes Name from piped Get-StellaConfig output' {
        $r = Get-StellaConfig keys.rotation.auto | Set-StellaConfig -Value true -PassThru
        $r.Name | Should -Be 'keys.rotation.auto'
        $r.Value | Should -Be 'true'
    }
    It 'writes the daemon''s warning for software signing' {
        $r = Set-StellaConfig -Name attest.signing.mode -Value software -PassThru -WarningVariable warns -WarningAction SilentlyContinue
        $r.Value | Should -Be 'software'
        "$warns" | Should -Match 'compliance'
        Reset-StellaConfig attest.signing.mode
    }
    It 'persists a runtime value across a daemon restart on the same state dir' {
        Set-StellaConfig -Name keys.alerts.expiring_days -Value 21
        Restart-TestDaemon $script:daemon
        $s = Get-StellaConfig keys.alerts.expiring_days
        $s.Value | Should -Be '21'
        $s.Source | Should -Be 'Runtime'
    }
    It 'reconnects transparently after the daemon restarted' {
        Get-StellaConfig log.retention | Should -Not -BeNullOrEmpty
        Restart-TestDaemon $script:daemon
        (Get-StellaConfig log.retention).Value | Should -Be '14d'
    }
    It 'Reset-StellaConfig goes back to the default' {
        $r = Reset-StellaConfig -Name hsm.session.timeout -PassThru
        $r.Source | Should -Be 'Default'
        $r.Value | Should -Be $r.DefaultValue
        (Get-StellaConfig hsm.session.timeout).Source | Should -Be 'Default'
    }
}

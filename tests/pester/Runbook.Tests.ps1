# The runbook lines, verbatim (placeholders filled), through the `stella` dispatcher against a real daemon.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'stella attest' {
    It 'stella attest status returns the AttestorStatus object unchanged, the daemon status inside' {
        $s = stella attest status
        $s | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.AttestorStatus])
        $s.Daemon.ProcessId | Should -Be $script:daemon.Process.Id
    }
    It 'stella attest config set signing.mode software warns and records an Audit event with the caller' {
        $r = stella attest config set signing.mode software -WarningVariable warns -WarningAction SilentlyContinue
        $r.Name | Should -Be 'attest.signing.mode'
        $r.Value | Should -Be 'software'
        "$warns" | Should -Match 'compliance requirements'
        $audit = @(Get-StellaLog -Component Audit -Filter 'attest.signing.mode' -First 1)
        $audit.Count | Should -Be 1
        $audit[0].Caller | Should -Match ([regex]::Escape([Environment]::UserName))
        stella attest config set signing.mode hsm -WarningAction SilentlyContinue | Out-Null
    }
    It 'stella attest config get signing.key_id returns the setting' {
        (stella attest config get signing.key_id).Name | Should -Be 'attest.signing.key_id'
    }
    It 'stella attest reload returns a ReloadResult' {
        stella attest reload | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.ReloadResult])
    }
    It 'stella attest logs --level error --last 30m returns log objects (possibly none) without error' {
        $out = @(stella attest logs --level error --last 30m -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $out | ForEach-Object { $_ | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.LogEvent]); $_.Component | Should -Be 'Attestor'; [int]$_.Level | Should -BeGreaterOrEqual 4 }
        @(stella attest logs --filter "verification" --level error --last 30m -ErrorVariable errs2).Count | Should -BeGreaterOrEqual 0
        $errs2.Count | Should -Be 0
    }
}

Describe 'stella keys / crypto hsm config' {
    It 'keeps the runbook''s duration suffixes that PowerShell reads as numbers (300s, 30d)' {
        (stella crypto hsm config set session.timeout 300s).Value | Should -Be '5m'
        (stella keys config set rotation.before_expiry 30d).Value | Should -Be '30d'
        (stella crypto hsm config set session.keepalive_interval 60s).Value | Should -Be '1m'
        (stella crypto hsm config get session.timeout).Value | Should -Be '5m'
    }
    It 'runs the keys config lines' {
        (stella keys config set rotation.auto true).Value | Should -Be 'true'
        (stella keys config set alerts.expiring_days 30).Value | Should -Be '30'
        (stella keys config set alerts.expiring_days_critical 7).Value | Should -Be '7'
        (stella keys config set rotation.overlap_days 14).Value | Should -Be '14'
        (stella crypto hsm config set session.keepalive true).Value | Should -Be 'true'
        (stella crypto hsm config get pkcs11.library_path).Name | Should -Be 'hsm.pkcs11.library_path'
    }
    It 'stella crypto hsm logs --last 30m returns Hsm events only' {
        @(stella crypto hsm logs --last 30m) | Where-Object Component -ne 'Hsm' | Should -BeNullOrEmpty
    }
    It 'passes --what-if through: nothing changes' {
        $before = (Get-StellaConfig hsm.session.timeout).Value
        stella crypto hsm config set session.timeout 45s --what-if
        (Get-StellaConfig hsm.session.timeout).Value | Should -Be $before
    }
    It 'passes --verbose as -Verbose' {
        $v = stella keys config set rotation.overlap_days 14 --verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $v | Should -Not -BeNullOrEmpty
    }
    It 'accepts --flag=value and ignores a bare \ continuation' {
        @(stella attest logs --level=error \ --last=30m -ErrorVariable errs).Count | Should -BeGreaterOrEqual 0
        $errs.Count | Should -Be 0
    }
}

Describe 'stella doctor' {
    It 'stella doctor --check check.daemon.storage returns a Pass object' {
        $r = @(stella doctor --check check.daemon.storage)
        $r.Count | Should -Be 1
        $r[0].Check | Should -Be 'check.daemon.storage'
        $r[0].Status | Should -Be 'Pass'
        $r[0].Message | Should -Not -BeNullOrEmpty
    }
}

Describe 'stella errors' {
    It 'an unknown command names the closest valid one' {
        $err = $null
        try { stella attest frobnicate } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'UnknownCommand,stella'
        $err.Exception.Message | Should -Match "stella attest \w+"
        $err.Exception.Suggestion | Should -Match '^stella attest '
        try { stella attest relaod } catch { $err = $_ }
        $err.Exception.Suggestion | Should -Be 'stella attest reload'
    }
    It 'an unknown flag names the closest one' {
        $err = $null
        try { stella attest logs --levle error } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'UnknownFlag,stella'
        $err.Exception.Message | Should -Match "'--level'"
    }
    It 'a runbook command of a later release says it is not implemented yet' {
        $err = $null
        try { stella trust status } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'NotImplemented,stella'
        $err.CategoryInfo.Category | Should -Be 'NotImplemented'
        $err.Exception.Message | Should -Match 'not implemented yet in this release'
        $err.Exception.Message | Should -Match 'Get-StellaTrustStatus'
    }
    It 'a daemon error through stella keeps its id and category' {
        stella attest config set signing.mode banana -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidSetting,StellaOps.Ops.PowerShell.Config.SetStellaConfigCommand'
        (Get-StellaConfig attest.signing.mode).Value | Should -Be 'hsm'
    }
}

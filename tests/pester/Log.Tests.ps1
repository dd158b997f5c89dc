BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'Get-StellaLog' {
    It 'returns Audit events with the caller for a change, newest first' {
        Set-StellaConfig -Name log.retention -Value 10d
        Set-StellaConfig -Name keys.rotation.overlap_days -Value 9
        $events = @(Get-StellaLog -Component Audit -Last 5m)
        $events.Count | Should -BeGreaterOrEqual 2
        $events[0] | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.LogEvent])
        $events[0].Message | Should -Match 'keys.rotation.overlap_days'
        $events[0].Caller | Should -Not -BeNullOrEmpty
        $events[0].Timestamp | Should -BeGreaterOrEqual $events[-1].Timestamp
    }
    It 'filters by text, by least level and by -First' {
        @(Get-StellaLog -Component Audit -Filter 'log.retention').Message | Should -Match 'log.retention'
        @(Get-StellaLog -Component Audit -Filter 'log.retention').Message | Should -Not -Match 'overlap_days'
        @(Get-StellaLog -Level Critical -Last 1h) | Where-Object Level -lt ([StellaOps.Ops.Contracts.Rpc.LogLevel]::Critical) | Should -BeNullOrEmpty
        @(Get-StellaLog -First 1).Count | Should -Be 1
    }
    It 'takes -Last as a runbook duration or a TimeSpan and -Since as a date' {
        { Get-StellaLog -Last 30m -ErrorAction Stop } | Should -Not -Throw
        { Get-StellaLog -Last (New-TimeSpan -Minutes 30) -ErrorAction Stop } | Should -Not -Throw
        @(Get-StellaLog -Since (Get-Date).AddYears(1)).Count | Should -Be 0
        { Get-StellaLog -Last banana } | Should -Throw
    }
    It 'reads unquoted 7d and 60s as days and seconds, not as the numbers PowerShell parses them into' {
        Set-StellaConfig -Name keys.rotation.overlap_days -Value 11
        # 7d is the decimal 7 and 60s the Int16 60 to the parser; both must still mean a window that holds the change.
        @(Get-StellaLog -Component Audit -Last 7d -Filter 'overlap_days').Count | Should -BeGreaterOrEqual 1
        @(Get-StellaLog -Component Audit -Last 60s -Filter 'overlap_days').Count | Should -BeGreaterOrEqual 1
    }
}

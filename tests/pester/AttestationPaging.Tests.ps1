# Issue 11: Get-StellaAttestation streams the list page by page (attest.ListPage, each page bounded by items and
# bytes), so a list longer than one answer may be (Ipc:MaxAnswerBytes) comes back whole, with -Last <n> and -All;
# and `Get-StellaAttestation -Last <n> | Test-StellaAttestation` verifies every one, in the list's order, through the
# module's request pipeline. The daemon's answer limit is lowered to 1 MiB so that 2,500 attestations exceed it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:limit = 1MB
    $script:daemon = Start-TestDaemon -Config @{ Ipc = @{ MaxAnswerBytes = $limit } }
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
    Enable-StellaKey -Id (New-StellaKey -Name paging-p256 -Algorithm ecdsa-p256 -Provider Software).Id | Out-Null
    $script:count = 2500
    $script:created = @(1..$count | ForEach-Object { "test:paging-$_" } | New-StellaAttestation -Type test)
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'Get-StellaAttestation pages past the answer limit' {
    It 'the whole list would not fit in one answer' {
        $created | Should -HaveCount $count
        ($created | ConvertTo-Json -Depth 6 -Compress).Length | Should -BeGreaterThan $limit
    }
    It '-Last N is the newest n, newest first, each once' {
        $list = @(Get-StellaAttestation -Last 2400)
        $list | Should -HaveCount 2400
        $made = [Collections.Generic.HashSet[string]]::new([string[]]$created.Id)
        $listed = [Collections.Generic.HashSet[string]]::new([string[]]$list.Id)
        $listed.Count | Should -Be 2400 -Because 'each attestation comes once'
        $listed.IsSubsetOf($made) | Should -BeTrue
        $times = [DateTimeOffset[]]$list.CreatedAt
        $outOfOrder = @(for ($i = 1; $i -lt $times.Count; $i++) { if ($times[$i] -gt $times[$i - 1]) { $i } })
        $outOfOrder | Should -HaveCount 0 -Because 'newest first, across every page'
        # The 100 left out are the oldest.
        $oldestListed = $times[-1]
        @($created | Where-Object { -not $listed.Contains($_.Id) -and $_.CreatedAt -gt $oldestListed }) | Should -HaveCount 0
    }
    It '-All is every one; a count, a window and the filters combine; without either it is at most 1000' {
        @(Get-StellaAttestation -All) | Should -HaveCount $count
        @(Get-StellaAttestation) | Should -HaveCount 1000
        @(Get-StellaAttestation -Last 1h -Newest 1500) | Should -HaveCount 1500
        @(Get-StellaAttestation -Status Signed -Last 1200) | Should -HaveCount 1200
        @(Get-StellaAttestation -Subject 'test:paging-1*' -All) | Should -HaveCount 1111
    }
    It 'Get-StellaAttestation -Last N | Test-StellaAttestation verifies every one, in the list''s order' {
        $ids = @(Get-StellaAttestation -Last 1200).Id
        $results = @(Get-StellaAttestation -Last 1200 | Test-StellaAttestation)
        $results | Should -HaveCount 1200
        @($results | Where-Object { -not $_.Verified }) | Should -HaveCount 0
        ($results.Source -join ',') | Should -Be ($ids -join ',')
    }
    It 'Test-StellaAttestation -Last N beyond one call pages the ids through the same pipeline' {
        $results = @(Test-StellaAttestation -Last 1100)
        $results | Should -HaveCount 1100
        @($results | Where-Object { -not $_.Verified }) | Should -HaveCount 0
        Test-StellaAttestation -Last 300 -Quiet | Should -BeExactly $true
    }
}

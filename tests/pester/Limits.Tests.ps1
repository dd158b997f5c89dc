# The daemon refuses any batch over Protocol.MaxBatchItems; the module's cmdlets must never make a caller split
# one by hand: pipeline input and long -Id lists go out in calls under the limit, against a real daemon.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
    $key = New-StellaKey -Name limits -Algorithm ecdsa-p256 -Provider Software
    Enable-StellaKey -Id $key.Id | Out-Null
    $script:count = [StellaOps.Ops.Contracts.Protocol]::MaxBatchItems + 200
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'more items than one daemon batch holds' {
    It 'New-StellaAttestation attests every piped subject' {
        $script:ids = @(1..$script:count | ForEach-Object { "test:limits-$_" } | New-StellaAttestation -Type test).Id
        $script:ids.Count | Should -Be $script:count
        @($script:ids | Select-Object -Unique).Count | Should -Be $script:count
    }
    It 'Test-StellaAttestationIntegrity -Id checks every id, in order' {
        $r = @(Test-StellaAttestationIntegrity -Id $script:ids -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $r.Count | Should -Be $script:count
        ($r.Id -join ',') | Should -Be ($script:ids -join ',')
        @($r | Where-Object { -not $_.Intact }).Count | Should -Be 0
    }
    It 'Invoke-StellaAttestationRetry -Resign signs every piped id again' {
        $r = @($script:ids | Invoke-StellaAttestationRetry -Resign -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $r.Count | Should -Be $script:count
        @($r | Where-Object Status -ne 'Signed').Count | Should -Be 0
    }
}

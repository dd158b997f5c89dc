# Terminal control from stored or quoted text: the default views and the error messages show ESC, BEL and CR as
# visible escapes (\e, \a, \r), never raw, whatever the objects hold (older rows, a token's labels, a quoted input).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
    $script:hostile = "x$([char]27)]0;pwned$([char]7)$([char]27)[2J$([char]13)y"
    $script:visible = [regex]::Escape('x\e]0;pwned\a\e[2J\ry')

    function Assert-Escaped([string] $text) {
        $text | Should -Not -Match ([regex]::Escape("$([char]27)]0;pwned"))
        $text | Should -Not -Match ([regex]::Escape("$([char]27)[2J"))
        $text | Should -Not -Match "[$([char]7)$([char]13)]"
        $text | Should -Match $visible
    }
    function New-Subject([string] $name) {
        $digest = [System.Collections.Generic.Dictionary[string, string]]::new()
        $digest['sha256'] = '0' * 64
        [StellaOps.Ops.Contracts.Rpc.AttestationSubject]@{ Name = $name; Digest = $digest }
    }
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'the default views escape control characters' {
    It 'keys: table, list and detailed list' {
        $key = [StellaOps.Ops.Contracts.Rpc.KeyInfo]@{ Id = 'ab' * 32; Name = $hostile; Purpose = $hostile; Location = $hostile; RevocationReason = $hostile }
        Assert-Escaped ($key | Format-Table -AutoSize | Out-String -Width 400)
        Assert-Escaped ($key | Format-List | Out-String -Width 400)
        $key.PSObject.TypeNames.Insert(0, 'StellaOps.Ops.Contracts.Rpc.KeyInfo#Detailed')
        Assert-Escaped ($key | Out-String -Width 400)
    }
    It 'attestations: table, item and detailed views, and their events' {
        $event = [StellaOps.Ops.Contracts.Rpc.AttestationEvent]@{ Event = 'created'; Actor = $hostile; Detail = $hostile }
        $a = [StellaOps.Ops.Contracts.Rpc.AttestationInfo]@{ Id = 'id'; Type = $hostile; PredicateType = $hostile; Subjects = [StellaOps.Ops.Contracts.Rpc.AttestationSubject[]]@(New-Subject $hostile); CreatedBy = $hostile; Failure = [StellaOps.Ops.Contracts.Rpc.OpsError]@{ Code = 'SigningFailed'; Message = $hostile; RecommendedAction = $hostile }; History = [StellaOps.Ops.Contracts.Rpc.AttestationEvent[]]@($event) }
        Assert-Escaped ($a | Format-Table -AutoSize | Out-String -Width 400)
        Assert-Escaped ($a | Format-List | Out-String -Width 400)
        $a.PSObject.TypeNames.Insert(0, 'StellaOps.Ops.Contracts.Rpc.AttestationInfo#Detailed')
        Assert-Escaped ($a | Out-String -Width 400)
        Assert-Escaped ($event | Format-Table -AutoSize | Out-String -Width 400)
    }
    It 'log events, settings and key history' {
        Assert-Escaped ([StellaOps.Ops.Contracts.Rpc.LogEvent]@{ Component = 'Keys'; Message = $hostile } | Format-Table -AutoSize | Out-String -Width 400)
        Assert-Escaped ([StellaOps.Ops.Contracts.Rpc.SettingInfo]@{ Name = 'hsm.pkcs11.library_path'; Value = $hostile } | Format-Table -AutoSize | Out-String -Width 400)
        Assert-Escaped ([StellaOps.Ops.Contracts.Rpc.KeyEvent]@{ KeyId = 'ab'; Event = 'revoked'; Actor = $hostile; Detail = $hostile } | Format-Table -AutoSize | Out-String -Width 400)
    }
    It 'the objects themselves keep the exact text' {
        ([StellaOps.Ops.Contracts.Rpc.KeyInfo]@{ Name = $hostile }).Name | Should -BeExactly $hostile
    }
}

Describe 'the daemon refuses control characters and error messages never carry them raw' {
    It 'New-StellaKey with an escape sequence in the name is an InvalidArgument naming the field' {
        New-StellaKey -Name $hostile -Provider Software -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        "$($errs[0])" | Should -Match 'key name'
        "$($errs[0])" | Should -Not -Match "[$([char]27)$([char]7)$([char]13)]"
        @(Get-StellaKey -Name 'x*').Count | Should -Be 0
    }
    It 'an error that quotes the input (no such key) shows it escaped' {
        Get-StellaKey -Id $hostile -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        Assert-Escaped "$($errs[0])"
        Assert-Escaped ($errs[0] | Out-String)
    }
}

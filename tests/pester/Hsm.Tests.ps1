# HSM cmdlets and every `stella crypto hsm ...` line of runbook 003 (HSM connection issues), against a real daemon
# with two real SoftHSM2 tokens: a primary and a backup.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    # Both tokens in one directory: the daemon loads libsofthsm2.so once, with one SOFTHSM2_CONF.
    $script:hsmDir = Join-Path ([System.IO.Path]::GetTempPath()) ("sop-hsm-" + [guid]::NewGuid().ToString('n').Substring(0, 10))
    $script:primary = New-TestSoftHsmToken -Directory $hsmDir -Label 'sop-primary' -Pin '11112222' -WithSelfTestKey
    $script:backup = New-TestSoftHsmToken -Directory $hsmDir -Label 'sop-backup' -Pin '33334444' -WithSelfTestKey
    $script:primaryPinFile = New-TestPinFile (Join-Path $hsmDir 'primary.pin') $primary.Pin
    $script:backupPinFile = New-TestPinFile (Join-Path $hsmDir 'backup.pin') $backup.Pin
    function Member($Token, [string] $PinFile) {
        @{ TokenLabel = $Token.Label; PinFile = $PinFile; Environment = @{ SOFTHSM2_CONF = $Token.ConfPath } }
    }
    $script:daemon = Start-TestDaemon -Config @{
        Hsm = @{
            Pkcs11  = @{ LibraryPath = $primary.Library }
            Primary = Member $primary $primaryPinFile
            Backup  = Member $backup $backupPinFile
        }
    }

    # Whether the token itself accepts a PIN: a login by pkcs11-tool in its own process.
    function Test-TokenPin($Token, [string] $Pin) {
        $saved = $env:SOFTHSM2_CONF
        try {
            $env:SOFTHSM2_CONF = $Token.ConfPath
            $null = & pkcs11-tool --module $Token.Library --token-label $Token.Label --login --pin $Pin --list-objects 2>&1
            $LASTEXITCODE -eq 0
        }
        finally { $env:SOFTHSM2_CONF = $saved }
    }
    function New-Pin([string] $Pin) {
        [pscredential]::new('pin', (ConvertTo-SecureString $Pin -AsPlainText -Force))
    }

    $script:ready = Wait-TestHsm { param($s) $s.State -eq 'Connected' -and @($s.Members | Where-Object State -eq 'Connected').Count -eq 2 }
}
AfterAll {
    Stop-TestDaemon $script:daemon
    if ($script:hsmDir) { Remove-Item -Recurse -Force $script:hsmDir -ErrorAction SilentlyContinue }
}

Describe 'Get-StellaHsm / stella crypto hsm status, pkcs11-status, pkcs11-info' {
    It 'reports both tokens connected, the primary active' {
        $ready.State | Should -Be 'Connected'
        $s = stella crypto hsm status
        $s | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.HsmStatus])
        $s.State | Should -Be 'Connected'
        $s.Active | Should -Be 'Primary'
        $s.Members.Name | Should -Be @('primary', 'backup')
        $s.Members.TokenLabel | Should -Be @('sop-primary', 'sop-backup')
        $s.Members | ForEach-Object { $_.LibraryLoaded | Should -BeTrue; $_.SlotId | Should -Not -BeNullOrEmpty }
    }
    It 'stella crypto hsm pkcs11-status returns the same status, in the default view' {
        $s = stella crypto hsm pkcs11-status
        $s | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.HsmStatus])
        $s.PSObject.TypeNames[0] | Should -Be 'StellaOps.Ops.Contracts.Rpc.HsmStatus'
        $text = $s | Out-String -Width 300
        $text | Should -Match "primary: Connected; library loaded; token 'sop-primary' in slot \d+"
        $text | Should -Not -Match 'History'
    }
    It 'stella crypto hsm pkcs11-info shows library details and the state history (the detailed view)' {
        $s = stella crypto hsm pkcs11-info
        $s.PSObject.TypeNames[0] | Should -Be 'StellaOps.Ops.Contracts.Rpc.HsmStatus#Detailed'
        $s.History.Count | Should -BeGreaterThan 0
        $text = $s | Out-String -Width 300
        $text | Should -Match 'libsofthsm2\.so \(loaded; .*Cryptoki \d'
        $text | Should -Match 'History\s*:'
        (Get-StellaHsm -Detailed).PSObject.TypeNames[0] | Should -Be 'StellaOps.Ops.Contracts.Rpc.HsmStatus#Detailed'
    }
}

Describe 'Get-StellaHsmSlot / stella crypto hsm slots list' {
    It 'lists the slots with the configured token in use on each HSM' {
        $slots = @(stella crypto hsm slots list)
        $slots | ForEach-Object { $_ | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.HsmSlot]) }
        $inUse = @($slots | Where-Object InUse)
        $inUse.Count | Should -Be 2
        ($inUse | Where-Object Hsm -eq 'primary').TokenLabel | Should -Be 'sop-primary'
        ($inUse | Where-Object Hsm -eq 'backup').TokenLabel | Should -Be 'sop-backup'
        ($inUse | Where-Object Hsm -eq 'primary').SlotId | Should -Be ((Get-StellaHsm).Members | Where-Object Name -eq 'primary').SlotId
    }
}

Describe 'Test-StellaHsm / stella crypto hsm test, ping, connectivity, verify' {
    It 'stella crypto hsm test runs Ping and Connectivity on both HSMs and a test signature, all passing' {
        $r = @(stella crypto hsm test)
        $r | ForEach-Object { $_ | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.HsmTestResult]) }
        ($r | ForEach-Object { "$($_.Operation)/$($_.Hsm)" }) | Should -Be @('Ping/primary', 'Ping/backup', 'Connectivity/primary', 'Connectivity/backup', 'Sign/primary')
        $r | Where-Object { -not $_.Success } | Should -BeNullOrEmpty
    }
    It 'stella crypto hsm ping probes each HSM' {
        $r = @(stella crypto hsm ping)
        $r.Operation | Sort-Object -Unique | Should -Be 'Ping'
        $r.Hsm | Should -Be @('primary', 'backup')
        $r.Success | Should -Not -Contain $false
    }
    It 'stella crypto hsm connectivity --verbose writes each step as verbose output' {
        $all = stella crypto hsm connectivity --verbose 4>&1
        $results = @($all | Where-Object { $_ -is [StellaOps.Ops.Contracts.Rpc.HsmTestResult] })
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $results.Operation | Sort-Object -Unique | Should -Be 'Connectivity'
        $results[0].Message | Should -Match "token 'sop-primary'.*(logged in|login succeeded)"
        ($verbose.Message -join "`n") | Should -Match "primary Connectivity: ok"
    }
    It 'stella crypto hsm verify makes a test signature on the active HSM' {
        $r = stella crypto hsm verify
        $r.Operation | Should -Be 'Sign'
        $r.Success | Should -BeTrue
        $r.Hsm | Should -Be 'primary'
    }
}

Describe 'Test-StellaHsmLogin / stella crypto hsm auth verify' {
    It 'logs in to both HSMs with the configured PIN files' {
        $r = @(stella crypto hsm auth verify)
        $r | ForEach-Object { $_ | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.HsmLoginResult]) }
        $r.Hsm | Should -Be @('primary', 'backup')
        $r.Success | Should -Not -Contain $false
    }
}

Describe 'Get-StellaCryptoProvider / stella crypto providers list --algorithms' {
    It 'lists the HSM and software providers with their algorithms' {
        $p = @(stella crypto providers list --algorithms)
        $p | ForEach-Object { $_ | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.CryptoProviderInfo]) }
        $p.Name | Should -Be @('Hsm', 'Software')
        $hsm = $p | Where-Object Name -eq 'Hsm'
        $hsm.Available | Should -BeTrue
        ($hsm.Algorithms | Where-Object CanSign).Algorithm | Should -Contain 'ecdsa-p256'
        $p[0].PSObject.TypeNames[0] | Should -Be 'StellaOps.Ops.Contracts.Rpc.CryptoProviderInfo#Detailed'
        ($p | Out-String -Width 200) | Should -Match 'ecdsa-p256\s+generate sign'
    }
    It 'filters by name and reports a name that matches nothing' {
        @(Get-StellaCryptoProvider -Name hs*).Name | Should -Be 'Hsm'
        $found = Get-StellaCryptoProvider -Name Software, Quantum -ErrorVariable errs -ErrorAction SilentlyContinue
        @($found).Name | Should -Be 'Software'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Reset-StellaHsm / stella crypto hsm reconnect, pkcs11-reload' {
    It 'changes nothing with -WhatIf' {
        $before = (Get-StellaHsm).History.Count
        Reset-StellaHsm -WhatIf | Should -BeNullOrEmpty
        Reset-StellaHsm -ReloadLibrary -WhatIf | Should -BeNullOrEmpty
        (Get-StellaHsm).History.Count | Should -Be $before
    }
    It 'stella crypto hsm reconnect reconnects and the HSMs sign again' {
        $s = stella crypto hsm reconnect
        $s | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.HsmStatus])
        $s.History.Reason | Should -Contain 'operator reset (reconnect)'
        (Wait-TestHsm { param($x) $x.State -eq 'Connected' }).State | Should -Be 'Connected'
        (Test-StellaHsm -Operation Sign).Success | Should -BeTrue
    }
    It 'stella crypto hsm pkcs11-reload reloads the module and the HSMs sign again' {
        $s = stella crypto hsm pkcs11-reload
        $s.History.Reason | Should -Contain 'operator reset with module reload'
        (Wait-TestHsm { param($x) $x.State -eq 'Connected' }).State | Should -Be 'Connected'
        (Test-StellaHsm -Operation Sign).Success | Should -BeTrue
    }
}

Describe 'Switch-StellaHsm / stella crypto hsm failover --to backup' {
    It 'changes nothing with -WhatIf' {
        Switch-StellaHsm -To Backup -WhatIf | Should -BeNullOrEmpty
        (Get-StellaHsm).Active | Should -Be 'Primary'
    }
    It 'fails over to the backup, which then signs, and switches back' {
        $s = stella crypto hsm failover --to backup
        $s | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.HsmStatus])
        $s.Active | Should -Be 'Backup'
        $sign = Test-StellaHsm -Operation Sign
        $sign.Success | Should -BeTrue
        $sign.Hsm | Should -Be 'backup'

        (Switch-StellaHsm -To Primary).Active | Should -Be 'Primary'
        (Test-StellaHsm -Operation Sign).Hsm | Should -Be 'primary'
    }
}

Describe 'Runbook 003 (HSM connection issues), every stella crypto hsm line in order' {
    # auth update --slot <slot-id> needs the PINs: it has its own tests below (interactive prompt or credentials).
    It '<Line>' -ForEach @(
        @{ Line = 'stella crypto hsm status' }
        @{ Line = 'stella crypto hsm test' }
        @{ Line = 'stella crypto hsm pkcs11-status' }
        @{ Line = 'stella crypto hsm ping' }
        @{ Line = 'stella crypto hsm logs --last 30m' }
        @{ Line = 'stella crypto hsm slots list' }
        @{ Line = 'stella crypto hsm reconnect' }
        @{ Line = 'stella crypto hsm failover --to backup' }
        @{ Line = 'stella crypto hsm connectivity --verbose' }
        @{ Line = 'stella crypto hsm config set session.timeout 300s' }
        @{ Line = 'stella crypto hsm reconnect' }
        @{ Line = 'stella crypto hsm config set session.keepalive true' }
        @{ Line = 'stella crypto hsm config set session.keepalive_interval 60s' }
        @{ Line = 'stella crypto hsm auth verify' }
        @{ Line = 'stella crypto hsm config get pkcs11.library_path' }
        @{ Line = 'stella crypto hsm pkcs11-reload' }
        @{ Line = 'stella crypto hsm pkcs11-info' }
        @{ Line = 'stella crypto hsm test' }
        @{ Line = 'stella crypto hsm logs --level error --last 30m'; MayBeEmpty = $true }
    ) {
        $out = Invoke-Expression $Line -ErrorVariable errs 4>$null
        $errs | Should -BeNullOrEmpty
        if (-not $MayBeEmpty) { $out | Should -Not -BeNullOrEmpty }
        if ($Line -like '*failover --to backup') { (Get-StellaHsm).Active | Should -Be 'Backup' }
    }
    AfterAll {
        Switch-StellaHsm -To Primary | Out-Null
        Reset-StellaConfig -Name hsm.session.timeout, hsm.session.keepalive, hsm.session.keepalive_interval -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
    }
}

Describe 'Set-StellaHsmPin / stella crypto hsm auth update --slot SLOT-ID' {
    BeforeAll {
        $script:slotId = ((Get-StellaHsm).Members | Where-Object Name -eq 'primary').SlotId
        $script:pinFileBefore = [System.IO.File]::ReadAllBytes($primaryPinFile)
    }
    It 'completes -Slot with the HSM names and the slot ids of the configured tokens' {
        $line = 'Set-StellaHsmPin -Slot '
        $c = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $c | Should -Contain 'primary'
        $c | Should -Contain 'backup'
        $c | Should -Contain "$slotId"
        $line = 'Set-StellaHsmPin -Slot ba'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('backup')
    }
    It 'the runbook line, non-interactive, fails with HsmPinRequired and changes nothing' {
        $err = $null
        try { stella crypto hsm auth update --slot $slotId } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'HsmPinRequired,StellaOps.Ops.PowerShell.Hsm.SetStellaHsmPinCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.ErrorDetails.RecommendedAction | Should -Match '-CurrentCredential'
        [System.IO.File]::ReadAllBytes($primaryPinFile) | Should -Be $pinFileBefore
    }
    It 'changes nothing with -WhatIf (and does not ask for the PINs)' {
        Set-StellaHsmPin -Slot $slotId -WhatIf | Should -BeNullOrEmpty
        Set-StellaHsmPin -Slot $slotId -CurrentCredential (New-Pin $primary.Pin) -Credential (New-Pin '99990000') -WhatIf | Should -BeNullOrEmpty
        [System.IO.File]::ReadAllBytes($primaryPinFile) | Should -Be $pinFileBefore
        Test-TokenPin $primary $primary.Pin | Should -BeTrue
    }
    It 'a wrong current PIN is HsmPinIncorrect and leaves the token and the PIN file unchanged' {
        $r = Set-StellaHsmPin -Slot $slotId -CurrentCredential (New-Pin '00000000') -Credential (New-Pin '99990000') -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'HsmPinIncorrect,StellaOps.Ops.PowerShell.Hsm.SetStellaHsmPinCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        "$($errs[0])" | Should -Not -Match '00000000|99990000'
        [System.IO.File]::ReadAllBytes($primaryPinFile) | Should -Be $pinFileBefore
        Test-TokenPin $primary $primary.Pin | Should -BeTrue
    }
    It 'changes the PIN on the token and in the PIN file; after a reset the daemon still logs in' {
        $out = Set-StellaHsmPin -Slot $slotId -CurrentCredential (New-Pin $primary.Pin) -Credential (New-Pin '99990000') -Verbose 4>&1
        $result = @($out | Where-Object { $_ -is [StellaOps.Ops.Contracts.Rpc.HsmLoginResult] })
        $result.Count | Should -Be 1
        $result[0].Success | Should -BeTrue
        $result[0].Hsm | Should -Be 'primary'
        ($out | Out-String) | Should -Not -Match "99990000|$($primary.Pin)"

        (Get-Content -Raw $primaryPinFile).Trim() | Should -Be '99990000'
        (& stat -c '%a' $primaryPinFile) | Should -Be '600'
        Test-TokenPin $primary '99990000' | Should -BeTrue
        Test-TokenPin $primary $primary.Pin | Should -BeFalse

        # A module reload, not a reconnect: the reconnect opens its new sessions while the old ones still hold the
        # token's login, so only a reload makes the daemon log in from its PIN file again.
        Reset-StellaHsm -ReloadLibrary | Out-Null
        $login = @(stella crypto hsm auth verify)
        ($login | Where-Object Hsm -eq 'primary').Success | Should -BeTrue
        (Test-StellaHsm -Operation Sign).Success | Should -BeTrue
    }
    It 'audits the PIN change without the PINs, and never writes a PIN into the daemon''s events or its output' {
        $events = @(Get-StellaLog -First 5000)
        $audit = @($events | Where-Object { $_.Component -eq 'Audit' -and ($_ | Out-String) -match 'SetPin' })
        $audit.Count | Should -BeGreaterOrEqual 2 -Because 'the failed and the successful PIN change are both mutating calls'
        $text = ($events | Format-List * | Out-String -Width 500)
        $text | Should -Not -Match '99990000'
        $text | Should -Not -Match $primary.Pin
        $text | Should -Not -Match '00000000'
        $log = Get-Content -Raw $daemon.Log
        $log | Should -Not -Match '99990000'
        $log | Should -Not -Match $primary.Pin
        $log | Should -Not -Match '00000000'
    }
}

Describe 'a failed HSM test or login' {
    It 'writes the results first, then a non-terminating error per failure with the daemon''s id and category' {
        # The backup's PIN file now holds a wrong PIN: its login fails, the primary's still works.
        Set-Content -Path $backupPinFile -Value '12121212' -NoNewline
        Reset-StellaHsm -ReloadLibrary | Out-Null
        $r = @(Test-StellaHsmLogin -ErrorVariable errs -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 2
        ($r | Where-Object Hsm -eq 'primary').Success | Should -BeTrue
        ($r | Where-Object Hsm -eq 'backup').Success | Should -BeFalse
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'HsmPinIncorrect,StellaOps.Ops.PowerShell.Hsm.TestStellaHsmLoginCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $errs[0].TargetObject.Hsm | Should -Be 'backup'
        $errs[0].ErrorDetails.RecommendedAction | Should -Match 'auth update'
        "$($errs[0])" | Should -Not -Match '12121212'
        # The daemon's typed error, shown as it sent it: nothing parsed out of text, no second advice composed here.
        $backup = $r | Where-Object Hsm -eq 'backup'
        $backup.Error.Code | Should -Be 'HsmPinIncorrect'
        $errs[0].Exception.Message | Should -Be $backup.Error.Message
        $errs[0].ErrorDetails.RecommendedAction | Should -Be $backup.Error.RecommendedAction
        $backup.Message | Should -Not -Match '\[HsmPin|Next step'

        $t = @(Test-StellaHsm -Operation Connectivity -ErrorVariable terrs -ErrorAction SilentlyContinue)
        $t.Count | Should -Be 2
        ($t | Where-Object Hsm -eq 'backup').Success | Should -BeFalse
        $terrs.Count | Should -Be 1
        $terrs[0].FullyQualifiedErrorId | Should -BeLike 'HsmPin*,StellaOps.Ops.PowerShell.Hsm.TestStellaHsmCommand'
        $terrs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
    }
}

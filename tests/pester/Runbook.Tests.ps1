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

Describe 'stella doctor: checks of a later release' {
    It 'a check id the runbooks name that this release does not have says not implemented yet, not NotFound' {
        foreach ($id in 'check.transparency.submission-health', 'check.transparency.circuit-breaker') {
            $errs = $null
            stella doctor --check $id -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs.Count | Should -Be 1 -Because $id
            $errs[0].FullyQualifiedErrorId | Should -Be 'NotImplemented,StellaOps.Ops.PowerShell.Doctor.InvokeStellaDoctorCommand'
            $errs[0].CategoryInfo.Category | Should -Be 'NotImplemented'
            $errs[0].Exception.Message | Should -Match "'$([regex]::Escape($id))' is not implemented yet in this release"
            $errs[0].Exception.Message | Should -Not -Match 'did you mean'
        }
    }
    It 'a wildcard runs the checks this release has and no planned one' {
        $r = @(stella doctor --check 'check.attestor.*' -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $r.Check | Should -Contain 'check.attestor.signing-health'
        $r.Check | Should -Contain 'check.attestor.verification-health'
    }
}

Describe 'stella honours the caller''s preferences in every scope, as the cmdlet it calls does' {
    # The failing line asks for a doctor check that does not exist: Invoke-StellaDoctor writes a non-terminating NotFound error.
    It 'a script run with & that sets $ErrorActionPreference = Stop catches a failed stella line' {
        $path = Join-Path $TestDrive 'runbook-step.ps1'
        Set-Content -Path $path -Value @'
$ErrorActionPreference = 'Stop'
try { stella doctor --check check.does-not-exist; 'not caught' } catch { "caught $($_.FullyQualifiedErrorId)" }
'@
        & $path | Should -Be 'caught NotFound,StellaOps.Ops.PowerShell.Doctor.InvokeStellaDoctorCommand'
    }
    It 'a function that sets $ErrorActionPreference = Stop catches it' {
        function Invoke-Step {
            $ErrorActionPreference = 'Stop'
            try { stella doctor --check check.does-not-exist; 'not caught' } catch { "caught $($_.FullyQualifiedErrorId)" }
        }
        Invoke-Step | Should -Be 'caught NotFound,StellaOps.Ops.PowerShell.Doctor.InvokeStellaDoctorCommand'
    }
    It 'a script block that sets $ErrorActionPreference = Stop catches it, as with Invoke-StellaDoctor' {
        & { $ErrorActionPreference = 'Stop'; try { stella doctor --check check.does-not-exist; 'not caught' } catch { 'caught' } } | Should -Be 'caught'
        & { $ErrorActionPreference = 'Stop'; try { Invoke-StellaDoctor -Check check.does-not-exist; 'not caught' } catch { 'caught' } } | Should -Be 'caught'
    }
    It 'the It block itself, with $ErrorActionPreference = Stop' {
        $ErrorActionPreference = 'Stop'
        $outcome = try { stella doctor --check check.does-not-exist; 'not caught' } catch { "$($_.CategoryInfo.Category)" }
        $outcome | Should -Be 'ObjectNotFound'
        { stella doctor --check check.does-not-exist } | Should -Throw -ErrorId 'NotFound,StellaOps.Ops.PowerShell.Doctor.InvokeStellaDoctorCommand'
    }
    It 'with $ErrorActionPreference = Continue the error is written, the script goes on and $? is false' {
        $r = & {
            $ErrorActionPreference = 'Continue'
            stella doctor --check check.does-not-exist -ErrorVariable errs 2>$null
            "ok=$? errors=$($errs.Count)"
            'went on'
        }
        $r | Should -Be @('ok=False errors=1', 'went on')
    }
    It '-ErrorAction on the stella line wins over the scope''s preference, both ways' {
        $r = & {
            $ErrorActionPreference = 'Continue'
            try { stella doctor --check check.does-not-exist -ErrorAction Stop; 'not caught' } catch { 'caught' }
        }
        $r | Should -Be 'caught'
        $r = & {
            $ErrorActionPreference = 'Stop'
            stella doctor --check check.does-not-exist -ErrorAction SilentlyContinue -ErrorVariable errs
            "went on with $($errs.Count) error"
        }
        $r | Should -Be 'went on with 1 error'
    }
    It 'warnings follow the caller''s $WarningPreference and -WarningAction' {
        function Set-ModeQuietly { $WarningPreference = 'SilentlyContinue'; stella attest config set signing.mode software 3>&1 }
        try {
            $out = @(Set-ModeQuietly)
            $out.Count | Should -Be 1
            $out[0] | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.SettingInfo])
            $r = & { $WarningPreference = 'Stop'; try { stella attest config set signing.mode software | Out-Null; 'not stopped' } catch { $_.FullyQualifiedErrorId } }
            $r | Should -Be 'ActionPreferenceStop,StellaOps.Ops.PowerShell.Config.SetStellaConfigCommand'
            @(stella attest config set signing.mode software -WarningVariable warns -WarningAction SilentlyContinue 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count | Should -Be 0
            "$warns" | Should -Match 'compliance requirements'
        }
        finally { stella attest config set signing.mode hsm -WarningAction SilentlyContinue | Out-Null }
    }
    It 'verbose output follows the caller''s $VerbosePreference' {
        function Set-Overlap([string] $Preference) { $VerbosePreference = $Preference; stella keys config set rotation.overlap_days 14 4>&1 }
        @(Set-Overlap Continue | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
        @(Set-Overlap SilentlyContinue | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -Be 0
    }
    It '$WhatIfPreference in a script block: nothing changes' {
        Set-StellaConfig -Name hsm.session.timeout -Value 30s
        & { $WhatIfPreference = $true; stella crypto hsm config set session.timeout 45s }
        (Get-StellaConfig hsm.session.timeout).Value | Should -Be '30s'
    }
    It '$ConfirmPreference in a script block makes a changing line ask first, as the cmdlet does' {
        # In a runspace without a host, asking fails with HostFunctionNotImplemented instead of waiting for an answer.
        Set-StellaConfig -Name hsm.session.timeout -Value 30s
        $iss = [initialsessionstate]::CreateDefault2()
        $iss.ImportPSModule((Get-TestModulePath))
        foreach ($line in 'stella crypto hsm config set session.timeout 45s', 'Set-StellaConfig -Name hsm.session.timeout -Value 45s') {
            foreach ($preference in 'Low', 'High') {
                $ps = [powershell]::Create($iss)
                try {
                    $null = $ps.AddScript("& { `$ConfirmPreference = '$preference'; try { $line | Out-Null; 'not asked' } catch { `$_.FullyQualifiedErrorId } }")
                    $expected = if ($preference -eq 'Low') { 'HostFunctionNotImplemented,StellaOps.Ops.PowerShell.Config.SetStellaConfigCommand' } else { 'not asked' }
                    $ps.Invoke() | Should -Be $expected -Because "$line with `$ConfirmPreference = '$preference'"
                }
                finally { $ps.Dispose() }
            }
            Set-StellaConfig -Name hsm.session.timeout -Value 30s
        }
    }
    It 'the cmdlet sees the caller''s $PSDefaultParameterValues' {
        $missing = Join-Path $TestDrive 'elsewhere.sock'
        $r = & {
            $PSDefaultParameterValues = @{ 'Get-StellaAttestorStatus:Endpoint' = $missing }
            try { stella attest status | Out-Null; 'default not used' } catch { $_.TargetObject }
        }
        $r | Should -Be $missing
    }
}

Describe 'stella with no daemon at the endpoint' {
    It 'a missing socket file: no daemon is listening there, and how to start one' {
        $missing = Join-Path $TestDrive 'opsd.sock'
        $err = $null
        try { stella attest status --endpoint $missing } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'Unavailable,StellaOps.Ops.PowerShell.Daemon.GetStellaAttestorStatusCommand'
        $err.Exception.Message | Should -Be "No StellaOps daemon is listening at ${missing}: there is no socket file there."
        $err.ErrorDetails.RecommendedAction | Should -Match 'build\.ps1 start'
        $err.ErrorDetails.RecommendedAction | Should -Match 'systemctl start stellaops-opsd'
    }
    It 'a socket file that nothing listens on says so' {
        $stale = Join-Path $TestDrive 'stale.sock'
        # Bound but never listening, as the file of a daemon that died without removing it (.NET deletes it on Dispose).
        $socket = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::Unix, [System.Net.Sockets.SocketType]::Stream, [System.Net.Sockets.ProtocolType]::Unspecified)
        $err = $null
        try {
            $socket.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new($stale))
            $stale | Should -Exist
            try { stella attest status --endpoint $stale } catch { $err = $_ }
        }
        finally { $socket.Dispose() }
        $err.FullyQualifiedErrorId | Should -Be 'Unavailable,StellaOps.Ops.PowerShell.Daemon.GetStellaAttestorStatusCommand'
        $err.Exception.Message | Should -Match "^No StellaOps daemon is listening at $([regex]::Escape($stale)): the socket file is there, but nothing accepts connections on it"
    }
}

Describe 'what people see: nested objects, the public key file, the key table' {
    BeforeAll {
        stella attest config set signing.mode software -WarningAction SilentlyContinue | Out-Null
        $script:keyA = stella keys generate --type signing --algorithm ecdsa-p256
        $script:keyB = stella keys generate --type signing --algorithm ecdsa-p256
        stella keys activate $keyA.Id | Out-Null
        $script:attestation = stella attest create --type test --subject 'test:what-people-see'
        # What a record dump or an unformatted collection looks like: a .NET type name, or "Type { Property = …".
        $script:dump = 'StellaOps\.Ops\.|System\.Collections|\w+ \{ \w+ = '
    }
    AfterAll { stella attest config set signing.mode hsm -WarningAction SilentlyContinue | Out-Null }

    It 'stella attest status | Format-List * shows the signing key and the daemon as text, not record dumps' {
        $text = stella attest status | Format-List * | Out-String -Width 300
        $text | Should -Not -Match $dump
        $text | Should -Match "SigningKey\s*:\s*$($keyA.Id.Substring(0, 16)) $([regex]::Escape($keyA.Name)) \(ecdsa-p256, Software, Active, expires \d{4}-\d\d-\d\d\)"
        $text | Should -Match "Daemon\s*:\s*\S+ pid $($script:daemon.Process.Id), up "
        (stella attest status | Out-String -Width 300) | Should -Not -Match $dump
        $daemon = (stella attest status).Daemon | Format-List * | Out-String -Width 300
        $daemon | Should -Not -Match $dump
        $daemon | Should -Match 'Capabilities\s*:\s*\{\w+: (Ready|Degraded|Down|NotConfigured|Starting)'
    }
    It 'a key and the key list, with Format-List * and Out-String' {
        foreach ($text in (stella keys show $keyA.Id | Format-List * | Out-String -Width 300), (stella keys list | Format-List * | Out-String -Width 300), (stella keys show $keyA.Id --details | Out-String -Width 300)) {
            $text | Should -Not -Match $dump
            $text | Should -Match ([regex]::Escape($keyA.Id))
        }
    }
    It 'an attestation: subjects and history read as lines' {
        $text = stella attest show $attestation.Id | Format-List * | Out-String -Width 300
        $text | Should -Not -Match $dump
        $text | Should -Match 'Subjects\s*:\s*\{test:what-people-see@sha256:[0-9a-f]{64}\}'
        $text | Should -Match 'History\s*:\s*\{\d{4}-\d\d-\d\d \d\d:\d\d:\d\d created by '
        ($attestation.Subjects | Out-String -Width 300) | Should -Match 'test:what-people-see\s+sha256:[0-9a-f]{64}'
        (stella attest test-sign | Format-List * | Out-String -Width 300) | Should -Not -Match $dump
    }
    It 'stella keys show KEY-ID --public > key.pem writes a key openssl reads, and it is that key' {
        $pem = Join-Path $TestDrive 'key.pem'
        $der = Join-Path $TestDrive 'key.der'
        stella keys show $keyA.Id --public > $pem
        & openssl pkey -pubin -in $pem -noout
        $LASTEXITCODE | Should -Be 0
        & openssl pkey -pubin -in $pem -outform DER -out $der
        $LASTEXITCODE | Should -Be 0
        # The key id is the SHA-256 of the SubjectPublicKeyInfo DER.
        (Get-FileHash -Algorithm SHA256 $der).Hash.ToLowerInvariant() | Should -Be $keyA.Id
    }
    It 'the key table shows what tells default-named keys apart' {
        $long = stella keys generate --type signing --algorithm ecdsa-p256 --name 'release-signing-key-for-production-2027-rotation-b'
        $rows = stella keys list | Out-String -Width 120
        # Default names (signing-<algorithm>-<date>-<time>) whole; a longer name keeps its start and its end.
        $rows | Should -Match "$($keyA.Id.Substring(0, 16)) $([regex]::Escape($keyA.Name)) "
        $rows | Should -Match "$($keyB.Id.Substring(0, 16)) $([regex]::Escape($keyB.Name)) "
        $rows | Should -Match "$($long.Id.Substring(0, 16)) release-signing-k\S*…\S*rotation-b "
    }
}

Describe 'stella errors' {
    It 'an unknown command names the closest valid one' {
        $err = $null
        try { stella attest relaod } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'UnknownCommand,StellaOps.Ops.PowerShell.Dispatch.InvokeStellaRunbookLineCommand'
        $err.Exception.Suggestion | Should -Be 'stella attest reload'
        $err.ErrorDetails.RecommendedAction | Should -Be "Did you mean 'stella attest reload'?"
    }
    It 'a command close to nothing lists the command groups instead of a far match' {
        $err = $null
        try { stella nonsense } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'UnknownCommand,StellaOps.Ops.PowerShell.Dispatch.InvokeStellaRunbookLineCommand'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Not -Match 'closest'
        $err.Exception.Message | Should -Match 'The command groups are: attest, crypto, doctor, issuer, keys, rekor, trust, trust-anchors, verify'
        $err.Exception.Suggestion | Should -BeNullOrEmpty
        try { stella attest frobnicate } catch { $err = $_ }
        $err.Exception.Message | Should -Match "After 'stella attest' comes one of: .*\bstatus\b"
        $err.Exception.Suggestion | Should -BeNullOrEmpty
    }
    It 'an unknown flag names the closest one' {
        $err = $null
        try { stella attest logs --levle error } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'UnknownFlag,StellaOps.Ops.PowerShell.Dispatch.InvokeStellaRunbookLineCommand'
        $err.Exception.Message | Should -Match "'--level'"
    }
    It 'the transparency-log lines run: with no log configured there is no circuit to reset and nothing logged to find' {
        stella trust reset-circuits | Should -BeNullOrEmpty
        stella rekor query --after "2026-01-20T00:00:00Z" --before "2026-01-25T00:00:00Z" --key-id compromised-key-id | Should -BeNullOrEmpty
        $err = $null
        try { stella rekor query --after "2026-01-25T00:00:00Z" --before "2026-01-20T00:00:00Z" -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.Message | Should -Match 'must be before'
    }
    It 'a daemon error through stella keeps its id and category' {
        stella attest config set signing.mode banana -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidSetting,StellaOps.Ops.PowerShell.Config.SetStellaConfigCommand'
        (Get-StellaConfig attest.signing.mode).Value | Should -Be 'hsm'
    }
}

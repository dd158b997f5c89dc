# The compliance pack (Invoke-StellaCompliance, Operations/Compliance in the module) against a real daemon with two
# real SoftHSM2 tokens: healthy it passes; with each runbook "Prevention" gap staged, the matching test fails with a
# message naming the fix. Then the incident notices (New-StellaIncidentNotice, New-StellaCompromiseReport) from the
# same daemon's live state.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    $script:hsmDir = Join-Path ([System.IO.Path]::GetTempPath()) ("sop-cmp-" + [guid]::NewGuid().ToString('n').Substring(0, 10))
    $primary = New-TestSoftHsmToken -Directory $hsmDir -Label 'sop-cmp-primary' -Pin '13571357' -WithSelfTestKey
    $backup = New-TestSoftHsmToken -Directory $hsmDir -Label 'sop-cmp-backup' -Pin '24682468' -WithSelfTestKey
    $primaryPin = New-TestPinFile (Join-Path $hsmDir 'primary.pin') $primary.Pin
    $backupPin = New-TestPinFile (Join-Path $hsmDir 'backup.pin') $backup.Pin
    $script:backupMember = @{ TokenLabel = $backup.Label; PinFile = $backupPin; Environment = @{ SOFTHSM2_CONF = $backup.ConfPath } }
    $script:config = @{
        Hsm = @{
            Pkcs11  = @{ LibraryPath = $primary.Library }
            Primary = @{ TokenLabel = $primary.Label; PinFile = $primaryPin; Environment = @{ SOFTHSM2_CONF = $primary.ConfPath } }
            Backup  = $backupMember
        }
    }
    $script:daemon = Start-TestDaemon -Config $config
    $null = Wait-TestHsm { param($s) @($s.Members | Where-Object State -eq 'Connected').Count -eq 2 }
    # The healthy set-up the runbooks ask for: an active signing key and a backup, automatic rotation on.
    $script:activeKey = stella keys generate --type signing --algorithm ecdsa-p256 --name compliance-active
    $script:backupKey = stella keys generate --type signing --algorithm ecdsa-p256 --name compliance-backup
    Set-StellaConfig -Name keys.rotation.auto -Value true

    function Invoke-Pack { @(Invoke-StellaCompliance -Endpoint $daemon.Endpoint) }
    function Set-HsmConfig([hashtable] $Hsm) {
        @{ Hsm = $Hsm } | ConvertTo-Json -Depth 10 | Set-Content -Path $daemon.ConfigFile -Encoding utf8
        Invoke-StellaReload -WarningAction SilentlyContinue | Out-Null
    }
    $script:tests = @{
        Rotation = 'automatic key rotation is on*'; Alerts = 'expiry alerts*'; BackupKey = '*backup signing key*'; BackupHsm = 'a backup HSM*'
        KeepAlive = '*keep-alive*'; Doctor = 'every doctor check*'; Fresh = '*trust metadata is fresh*'; Anchors = 'no trust anchor*'
        SigningSchedule = '*signing test*schedule*'; HsmSchedule = '*HSM health check*schedule*'
    }
    # This test daemon has no TUF repository and no transparency log (trust sync is tested in TrustSync.Tests.ps1):
    # the pack rightly fails these two with the fix 'stella trust init'; every other test must pass.
    $script:notConfigured = @($tests.Doctor, $tests.Fresh)
    function script:Select-UnexpectedFailure($Results, [string[]] $Allowed = @()) {
        $allow = @($Allowed) + $script:notConfigured
        @($Results | Where-Object Result -eq 'Failed' | Where-Object { $t = $_.Test; -not @($allow | Where-Object { $t -like $_ }).Count })
    }
    $script:healthy = Invoke-Pack
}
AfterAll {
    Stop-TestDaemon $script:daemon
    if ($script:hsmDir) { Remove-Item -Recurse -Force $script:hsmDir -ErrorAction SilentlyContinue }
}

Describe 'Invoke-StellaCompliance against a daemon healthy but for trust sync and the transparency log (not configured here)' {
    It 'runs one test per Prevention item and passes them all but the two that need trust sync, which name stella trust init; pending ones are skipped with the reason' {
        $healthy.Count | Should -Be $tests.Count
        foreach ($pattern in $tests.Values) { @($healthy | Where-Object Test -like $pattern).Count | Should -Be 1 -Because "a test like '$pattern'" }
        Select-UnexpectedFailure $healthy | ForEach-Object { "$($_.Test): $($_.Message)" } | Should -BeNullOrEmpty
        foreach ($pattern in $notConfigured) {
            $r = $healthy | Where-Object Test -like $pattern
            $r.Result | Should -Be 'Failed' -Because $pattern
            $r.Message | Should -Match 'stella trust init' -Because $pattern
        }
        $healthy[0].PSObject.TypeNames[0] | Should -Be 'StellaOps.ComplianceResult'
        $fresh = $healthy | Where-Object Test -like $tests.Fresh
        if ('check.trust.metadata-freshness' -notin @(Get-StellaDoctorCheck).Check) {
            $fresh.Result | Should -Be 'Skipped'
            $fresh.Message | Should -Match 'pending: this daemon has no doctor check check\.trust\.metadata-freshness'
        }
        if (-not (Get-Command Get-StellaScheduledCheck -ErrorAction SilentlyContinue)) {
            ($healthy | Where-Object Test -like $tests.SigningSchedule).Result | Should -Be 'Skipped'
            ($healthy | Where-Object Test -like $tests.SigningSchedule).Message | Should -Match 'pending: .*Get-StellaScheduledCheck'
        }
        # Ten tests: two fail for want of trust sync (above), the two schedule tests need systemd (skipped here).
        @($healthy | Where-Object Result -eq 'Passed').Count | Should -BeGreaterOrEqual 6
    }
    It 'writes a JUnit report with -OutputFormat and -OutputPath, and runs a subset by name' {
        $report = Join-Path $hsmDir 'compliance.xml'
        $r = @(Invoke-StellaCompliance -Endpoint $daemon.Endpoint -Test 'keep-alive' -OutputFormat JUnitXml -OutputPath $report)
        $r.Count | Should -Be 1
        $r[0].Result | Should -Be 'Passed'
        $xml = [xml](Get-Content -Raw $report)
        $xml.testsuites.failures | Should -Be '0'
        @($xml.SelectNodes('//testcase') | Where-Object { $_.name -like '*keep-alive*' -and -not $_.skipped }).Count | Should -Be 1
        { Invoke-StellaCompliance -OutputFormat NUnitXml } | Should -Throw -ErrorId 'ReportNeedsFormatAndPath,StellaOps.Ops.PowerShell.Operations.InvokeStellaComplianceCommand'
    }
}

Describe 'Invoke-StellaCompliance with a gap staged: the matching test fails and names the fix' {
    It '<Gap>' -ForEach @(
        @{ Gap = 'automatic rotation off'; Test = 'Rotation'; Fix = 'stella keys config set rotation.auto true'
            Stage = { Set-StellaConfig -Name keys.rotation.auto -Value false }; Undo = { Set-StellaConfig -Name keys.rotation.auto -Value true } }
        @{ Gap = 'a 7-day overlap'; Test = 'Rotation'; Fix = 'stella keys config set rotation.overlap_days 14'
            Stage = { Set-StellaConfig -Name keys.rotation.overlap_days -Value 7 }; Undo = { Reset-StellaConfig -Name keys.rotation.overlap_days } }
        @{ Gap = 'rotation 10 days before expiry'; Test = 'Rotation'; Fix = 'stella keys config set rotation.before_expiry 30d'
            Stage = { Set-StellaConfig -Name keys.rotation.before_expiry -Value 10d }; Undo = { Reset-StellaConfig -Name keys.rotation.before_expiry } }
        @{ Gap = 'the critical expiry alert 3 days before'; Test = 'Alerts'; Fix = 'stella keys config set alerts.expiring_days_critical 7'
            Stage = { Set-StellaConfig -Name keys.alerts.expiring_days_critical -Value 3 }; Undo = { Reset-StellaConfig -Name keys.alerts.expiring_days_critical } }
        @{ Gap = 'keep-alive off'; Test = 'KeepAlive'; Fix = 'stella crypto hsm config set session.keepalive true'
            Stage = { Set-StellaConfig -Name hsm.session.keepalive -Value false }; Undo = { Reset-StellaConfig -Name hsm.session.keepalive } }
        @{ Gap = 'a doctor check warning (the key inside a 400-day alert window)'; Test = 'Doctor'; Fix = 'check.attestor.key-expiration: Plan its rotation'
            Stage = { Set-StellaConfig -Name keys.alerts.expiring_days -Value 400 }; Undo = { Reset-StellaConfig -Name keys.alerts.expiring_days } }
        @{ Gap = 'a trust anchor expiring in 10 days'; Test = 'Anchors'; Fix = 'stella trust-anchors add'; AlsoFails = @('Doctor')
            Stage = {
                $pem = Join-Path $hsmDir 'anchor.pub.pem'
                & openssl ecparam -name prime256v1 -genkey -noout 2>$null | & openssl ec -pubout -out $pem 2>$null
                $script:anchor = Add-StellaTrustAnchor -PublicKey $pem -Expires ([DateTimeOffset]::UtcNow.AddDays(10)) -Confirm:$false
            }
            Undo = { Remove-StellaTrustAnchor -Id $script:anchor.Id -Confirm:$false } }
        @{ Gap = 'no backup HSM'; Test = 'BackupHsm'; Fix = 'configure Hsm:Backup'; AlsoFails = @('Doctor')
            Stage = {
                $hsm = $config.Hsm.Clone(); $hsm.Remove('Backup'); Set-HsmConfig $hsm
                $null = Wait-TestHsm { param($s) @($s.Members).Count -eq 1 -and $s.State -eq 'Connected' }
            }
            Undo = { Set-HsmConfig $config.Hsm; $null = Wait-TestHsm { param($s) @($s.Members | Where-Object State -eq 'Connected').Count -eq 2 } } }
        # Last: revoking the backup cannot be undone, a new backup key replaces it.
        @{ Gap = 'the backup signing key revoked'; Test = 'BackupKey'; Fix = 'stella keys generate --type signing'; AlsoFails = @('Doctor')
            Stage = { Revoke-StellaKey -Id $backupKey.Id -Reason 'compliance test: backup gone' -Confirm:$false | Out-Null }
            Undo = { $script:backupKey = stella keys generate --type signing --algorithm ecdsa-p256 --name compliance-backup-2 } }
    ) {
        & $Stage
        try { $r = Invoke-Pack } finally { & $Undo }
        $hit = $r | Where-Object Test -like $tests[$Test]
        $hit.Result | Should -Be 'Failed'
        $hit.Message | Should -Match ' Fix: '
        $hit.Message | Should -Match ([regex]::Escape($Fix))
        # Nothing else fails, but what the gap also breaks (a doctor check that reports the same gap).
        $allowed = @($tests[$Test]) + @($AlsoFails | Where-Object { $_ } | ForEach-Object { $tests[$_] })
        $others = Select-UnexpectedFailure $r $allowed
        $others | ForEach-Object { "$($_.Test): $($_.Message)" } | Should -BeNullOrEmpty
    }
    It 'is healthy again after the gaps are undone' {
        Select-UnexpectedFailure (Invoke-Pack) | ForEach-Object { "$($_.Test): $($_.Message)" } | Should -BeNullOrEmpty
    }
}

Describe 'New-StellaIncidentNotice and New-StellaCompromiseReport from live state' {
    BeforeAll {
        $script:windowStart = [DateTimeOffset]::UtcNow.AddMinutes(-1)
        $script:signedBefore = New-StellaAttestation -Type test -Subject 'test:compromise-window'
        $script:rotation = Invoke-StellaKeyRotation -Confirm:$false
        $script:newActive = (Get-StellaAttestorStatus).SigningKey
    }
    It 'KeyRotation names the affected and the new key with fingerprints, the sync command and the revocation time' {
        $old = Get-StellaKey -Id $activeKey.Id
        $notice = New-StellaIncidentNotice -Kind KeyRotation
        $notice | Should -BeOfType ([string])
        $notice | Should -Match '(?m)^Subject: \[StellaOps\] Key Rotation - Action Required$'
        $notice | Should -Match ("(?m)^Affected Key: compliance-active \(fingerprint: SHA256:$($activeKey.Id)\)$")
        $notice | Should -Match ("(?m)^New Key: .+ \(fingerprint: SHA256:$($newActive.Id)\)$")
        $notice | Should -Match '(?m)^1\. Run: stella trust sync --force$'
        $notice | Should -Match ("(?m)^Timeline: Old key will be revoked at " + [regex]::Escape($old.VerifyUntil.ToUniversalTime().ToString('yyyy-MM-dd HH:mm:ss')) + ' UTC$')
        $newActive.Id | Should -Not -Be $activeKey.Id
        $emergency = New-StellaIncidentNotice -Kind KeyRotation -KeyId $activeKey.Id -Emergency -Reason 'Security precaution' -RevokeAt ([DateTimeOffset]'2027-01-01T12:00:00Z')
        $emergency | Should -Match 'Emergency Key Rotation'
        $emergency | Should -Match '(?m)^Reason: Security precaution$'
        $emergency | Should -Match 'revoked at 2027-01-01 12:00:00 UTC'
    }
    It 'Outage fills the HSM failover state and marks the transparency-log backends it cannot report' {
        $notice = New-StellaIncidentNotice -Kind Outage -StatusPage 'https://status.test.invalid'
        $notice | Should -Match '(?m)^Subject: \[StellaOps\] Rekor Service Disruption - Failover Active$'
        $notice | Should -Match '(?m)^HSM: Connected, Primary active; primary Connected; backup Connected$'
        $notice | Should -Match 'not reported by this daemon: the transparency-log backends'
        $notice | Should -Match '(?m)^Updates: Monitor status at https://status\.test\.invalid$'
        New-StellaIncidentNotice -Kind Outage -WhatIf | Should -BeNullOrEmpty
    }
    It 'New-StellaCompromiseReport lists the rotation, the key, the attestations it signed in the window and the audit trail' {
        $report = New-StellaCompromiseReport -KeyId $activeKey.Id -After $windowStart -Before ([DateTimeOffset]::UtcNow.AddMinutes(1))
        $report | Should -Match "(?m)^- Affected key: $($activeKey.Id) \(compliance-active"
        $report | Should -Match "(?m)^- Fingerprint: SHA256:$($activeKey.Id)$"
        $report | Should -Match '(?m)^- Rotation time: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \('
        $report | Should -Match '## Attestations signed by this key in the window \(1\)'
        $report | Should -Match ([regex]::Escape($signedBefore.Id))
        $report | Should -Match '## Remediation steps taken'
        $report | Should -Match 'keys\.'
        # A window before anything was signed lists nothing; an empty window is refused.
        $early = New-StellaCompromiseReport -KeyId $activeKey.Id -After $windowStart.AddDays(-2) -Before $windowStart.AddDays(-1)
        $early | Should -Match 'in the window \(0\)'
        { New-StellaCompromiseReport -KeyId $activeKey.Id -After $windowStart -Before $windowStart } | Should -Throw -ErrorId 'EmptyWindow,StellaOps.Ops.PowerShell.Operations.NewStellaCompromiseReportCommand'
    }
}

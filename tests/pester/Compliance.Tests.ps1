# The compliance pack (Invoke-StellaCompliance, Operations/Compliance in the module) against a real daemon with two
# real SoftHSM2 tokens, trust synced from a real TUF repository on loopback that names two real test logs
# (stella-testlog, primary and mirror; Start-TestTrustEnvironment): healthy it passes; with each runbook "Prevention"
# gap staged, the matching test fails with a message naming the fix. Then the incident notices
# (New-StellaIncidentNotice, New-StellaCompromiseReport) from the same daemon's live state: the logged entries, a log
# down and the failover to the mirror.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    $script:hsmDir = Join-Path ([System.IO.Path]::GetTempPath()) ("sop-cmp-" + [guid]::NewGuid().ToString('n').Substring(0, 10))
    $primary = New-TestSoftHsmToken -Directory $hsmDir -Label 'sop-cmp-primary' -Pin '13571357' -WithSelfTestKey
    $backup = New-TestSoftHsmToken -Directory $hsmDir -Label 'sop-cmp-backup' -Pin '24682468' -WithSelfTestKey
    $primaryPin = New-TestPinFile (Join-Path $hsmDir 'primary.pin') $primary.Pin
    $backupPin = New-TestPinFile (Join-Path $hsmDir 'backup.pin') $backup.Pin
    $script:backupMember = @{ TokenLabel = $backup.Label; PinFile = $backupPin; Environment = @{ SOFTHSM2_CONF = $backup.ConfPath } }
    $script:trust = Start-TestTrustEnvironment
    $script:config = @{
        Hsm = @{
            Pkcs11  = @{ LibraryPath = $primary.Library }
            Primary = @{ TokenLabel = $primary.Label; PinFile = $primaryPin; Environment = @{ SOFTHSM2_CONF = $primary.ConfPath } }
            Backup  = $backupMember
        }
        Transparency = $trust.DaemonConfig.Transparency
    }
    $script:daemon = Start-TestDaemon -Config $config
    Initialize-TestDaemonTrust $trust $daemon | Out-Null
    $null = Wait-TestHsm { param($s) @($s.Members | Where-Object State -eq 'Connected').Count -eq 2 }
    # The healthy set-up the runbooks ask for: an active signing key and a backup, automatic rotation on.
    $script:activeKey = stella keys generate --type signing --algorithm ecdsa-p256 --name compliance-active
    $script:backupKey = stella keys generate --type signing --algorithm ecdsa-p256 --name compliance-backup
    Set-StellaConfig -Name keys.rotation.auto -Value true

    function Invoke-Pack { @(Invoke-StellaCompliance -Endpoint $daemon.Endpoint) }
    function Set-HsmConfig([hashtable] $Hsm) {
        $c = $config.Clone(); $c.Hsm = $Hsm
        $c | ConvertTo-Json -Depth 10 | Set-Content -Path $daemon.ConfigFile -Encoding utf8
        Invoke-StellaReload -WarningAction SilentlyContinue | Out-Null
    }
    $script:tests = @{
        Rotation = 'automatic key rotation is on*'; Alerts = 'expiry alerts*'; BackupKey = '*backup signing key*'; BackupHsm = 'a backup HSM*'
        KeepAlive = '*keep-alive*'; Doctor = 'every doctor check*'; Fresh = '*trust metadata is fresh*'; Anchors = 'no trust anchor*'
        SigningSchedule = '*signing test*schedule*'; HsmSchedule = '*HSM health check*schedule*'
    }
    # The schedule is systemd's: here (no systemd) the two schedule tests are skipped with that reason; under a real
    # systemd they are judged against real timers (tests/StellaOps.Ops.SystemdTests, ComplianceScheduleTests).
    $script:noSystemd = -not (Test-Path /run/systemd/system)
    $script:scheduleTests = @($tests.SigningSchedule, $tests.HsmSchedule)
    function script:Select-UnexpectedFailure($Results, [string[]] $Allowed = @()) {
        @($Results | Where-Object Result -eq 'Failed' | Where-Object { $t = $_.Test; -not @($Allowed | Where-Object { $t -like $_ }).Count })
    }
    # Healthy means logging works too: one attestation reaches the primary log before the pack runs.
    function script:Wait-Logged([string[]] $Ids) {
        $deadline = [DateTime]::UtcNow.AddSeconds(90)
        while (@($Ids | Where-Object { (Get-StellaAttestation -Id $_).Status -ne 'Logged' }).Count) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "not logged within 90 s: $($Ids -join ', '); $((Get-StellaTrustStatus -ShowBackends).Backends | Out-String)" }
            Start-Sleep -Milliseconds 200
        }
    }
    $script:firstLogged = New-StellaAttestation -Type test -Subject 'test:compliance-healthy'
    Wait-Logged $firstLogged.Id
    $script:healthy = Invoke-Pack
}
AfterAll {
    Stop-TestDaemon $script:daemon
    Stop-TestDaemon $script:bare
    Stop-TestTrustEnvironment $script:trust
    if ($script:hsmDir) { Remove-Item -Recurse -Force $script:hsmDir -ErrorAction SilentlyContinue }
}

Describe 'Invoke-StellaCompliance against a healthy daemon: trust synced from TUF, two transparency logs' {
    It 'runs one test per Prevention item and passes every one (the schedule ones skipped, with the reason, where no systemd runs)' {
        (Get-StellaTrustStatus).Serving | Should -BeTrue
        (Invoke-StellaDoctor -Check check.attestor.transparency-log).Status | Should -Be 'Pass'
        $healthy.Count | Should -Be $tests.Count
        foreach ($pattern in $tests.Values) { @($healthy | Where-Object Test -like $pattern).Count | Should -Be 1 -Because "a test like '$pattern'" }
        $healthy | Where-Object Result -eq 'Failed' | ForEach-Object { "$($_.Test): $($_.Message)" } | Should -BeNullOrEmpty
        $healthy[0].PSObject.TypeNames[0] | Should -Be 'StellaOps.ComplianceResult'
        foreach ($pattern in $tests.Values) {
            $r = $healthy | Where-Object Test -like $pattern
            if ($noSystemd -and $pattern -in $scheduleTests) {
                $r.Result | Should -Be 'Skipped' -Because $pattern
                $r.Message | Should -Match 'no systemd runs here' -Because $pattern
            }
            else { $r.Result | Should -Be 'Passed' -Because "$pattern ($($r.Message))" }
        }
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
        @{ Gap = 'the TUF timestamp expiring within two refresh intervals (trust.refresh_interval 13h, the timestamp signed for a day)'; Test = 'Doctor'; Fix = 'check.trust.metadata-expiry: stella trust sync'
            Stage = { Set-StellaConfig -Name trust.refresh_interval -Value 13h }; Undo = { Reset-StellaConfig -Name trust.refresh_interval } }
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
    It 'no trust sync (a second daemon, never initialised): trust metadata is not fresh, and every doctor check passing fails, both naming stella trust init' {
        $script:bare = Start-TestDaemon -NoEnvironment
        $r = @(Invoke-StellaCompliance -Endpoint $bare.Endpoint -Test 'trust metadata is fresh', 'every doctor check passes')
        $r.Count | Should -Be 2
        foreach ($hit in $r) {
            $hit.Result | Should -Be 'Failed' -Because $hit.Test
            $hit.Message | Should -Match ' Fix: .*stella trust init' -Because $hit.Test
        }
    }
    It 'is healthy again after the gaps are undone' {
        Select-UnexpectedFailure (Invoke-Pack) | ForEach-Object { "$($_.Test): $($_.Message)" } | Should -BeNullOrEmpty
    }
}

Describe 'New-StellaIncidentNotice and New-StellaCompromiseReport from live state' {
    BeforeAll {
        $script:windowStart = [DateTimeOffset]::UtcNow.AddSeconds(-1)
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
    It 'New-StellaCompromiseReport lists the rotation, the key, its transparency-log entries and attestations in the window, and the audit trail' {
        Wait-Logged $signedBefore.Id
        $until = [DateTimeOffset]::UtcNow.AddMinutes(1)
        $hits = @(Search-StellaRekor -KeyId $activeKey.Id -After $windowStart -Before $until)
        $hits.Count | Should -Be 1
        $report = New-StellaCompromiseReport -KeyId $activeKey.Id -After $windowStart -Before $until
        $report | Should -Match "(?m)^- Affected key: $($activeKey.Id) \(compliance-active"
        $report | Should -Match "(?m)^- Fingerprint: SHA256:$($activeKey.Id)$"
        $report | Should -Match '(?m)^- Rotation time: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \('
        # The entries from the transparency search, as Search-StellaRekor finds them: where, at which index, which key matched.
        $report | Should -Match '## Transparency-log entries in the window \(1\)'
        $report | Should -Match ("(?m)^- .+ $($signedBefore.Id) in $([regex]::Escape($hits[0].Backend)) \(v1\) at index $($hits[0].LogIndex), uuid $($hits[0].Uuid), matched by signing-key, signing key $($activeKey.Id), log key $($hits[0].LogKeyId), for test:compromise-window$")
        $report | Should -Match '## Attestations signed by this key in the window \(1\)'
        $report | Should -Match ([regex]::Escape($signedBefore.Id))
        $report | Should -Match '## Remediation steps taken'
        $report | Should -Match 'keys\.'
        # A window before anything was signed lists nothing; an empty window is refused.
        $early = New-StellaCompromiseReport -KeyId $activeKey.Id -After $windowStart.AddDays(-2) -Before $windowStart.AddDays(-1)
        $early | Should -Match 'entries in the window \(0\)'
        $early | Should -Match 'in the window \(0\)'
        { New-StellaCompromiseReport -KeyId $activeKey.Id -After $windowStart -Before $windowStart } | Should -Throw -ErrorId 'EmptyWindow,StellaOps.Ops.PowerShell.Operations.NewStellaCompromiseReportCommand'
    }
    It 'New-StellaCompromiseReport for a Rekor key (runbook 004 scenario 2): the log key, its fingerprint and every entry that log signed in the window' {
        $until = [DateTimeOffset]::UtcNow.AddMinutes(1)
        $logKey = (Get-StellaTrustStatus -ShowKeys).LogKeys | Where-Object LogId -eq $trust.Primary.LogId
        $logKey | Should -Not -BeNullOrEmpty
        $hits = @(Search-StellaRekor -KeyId $trust.Primary.LogId -After $windowStart.AddMinutes(-10) -Before $until)
        $hits.AttestationId | Should -Contain $signedBefore.Id
        $report = New-StellaCompromiseReport -KeyId $trust.Primary.LogId -After $windowStart.AddMinutes(-10) -Before $until
        $report | Should -Match "(?m)^- Affected key: $($trust.Primary.LogId) \(tlog key of "
        $report | Should -Match "(?m)^- Fingerprint: SHA256:$($logKey.Fingerprint)$"
        $report | Should -Match '(?m)^- Rotation time: not rotated yet'
        $report | Should -Match "## Transparency-log entries in the window \($($hits.Count)\)"
        foreach ($h in $hits) { $report | Should -Match "$($h.AttestationId) in .+ matched by log-key" }
        $report | Should -Not -Match '## Attestations signed by this key'
        { New-StellaCompromiseReport -KeyId 'ffffffffffff' -After $windowStart -Before $until -ErrorAction Stop } | Should -Throw -ErrorId 'KeyNotFound,StellaOps.Ops.PowerShell.Operations.NewStellaCompromiseReportCommand'
    }
    It 'Outage, the primary log down: the failover to the mirror, each backend''s circuit, the outbox and the HSM state, from tlog.status' {
        $before = New-StellaIncidentNotice -Kind Outage
        $before | Should -Match ('(?m)^Mitigation: No failover - the primary log ' + [regex]::Escape($trust.Primary.Url) + '/? is taking submissions$')

        Set-TestLogFault $trust.Primary @{ down = $true }
        try {
            $ids = @(1..4 | ForEach-Object { (New-StellaAttestation -Type test -Subject "test:outage-$_").Id })
            Wait-Logged $ids
            $notice = New-StellaIncidentNotice -Kind Outage -StatusPage 'https://status.test.invalid'
            $primaryUrl = [regex]::Escape($trust.Primary.Url) + '/?'
            $mirrorUrl = [regex]::Escape($trust.Mirror.Url) + '/?'
            $notice | Should -Match '(?m)^Subject: \[StellaOps\] Rekor Service Disruption - Failover Active$'
            $notice | Should -Match "(?m)^Mitigation: Automatic failover to mirror active - $mirrorUrl is taking submissions \($primaryUrl circuit Open\)$"
            $notice | Should -Match "(?m)^- primary: $primaryUrl \(v1, primary\.test\), circuit Open since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(HTTP 503 ServiceUnavailable\), \d+ submitted, [1-9]\d* failed, last success .+, last error: .+$"
            $notice | Should -Match "(?m)^- mirror 1: $mirrorUrl \(v1, mirror\.test\), circuit Closed, [1-9]\d* submitted, 0 failed, last success \d{4}-"
            $notice | Should -Match '(?m)^Impact: Attestation submissions may be delayed \(none waiting in the outbox\)$'
            $notice | Should -Match '(?m)^HSM: Connected, Primary active; primary Connected; backup Connected$'
            $notice | Should -Match '(?m)^Updates: Monitor status at https://status\.test\.invalid$'
            $notice | Should -Not -Match 'not reported by this daemon'
            New-StellaIncidentNotice -Kind Outage -WhatIf | Should -BeNullOrEmpty
            (Get-TestLogSize $trust.Mirror) | Should -BeGreaterOrEqual $ids.Count
        }
        finally {
            Set-TestLogFault $trust.Primary @{ down = $false }
            Reset-StellaTrustCircuit -Confirm:$false | Out-Null
        }
    }
}

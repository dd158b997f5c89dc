# The StellaOps compliance pack: one Pester test per "Prevention" item of the attestor runbooks, run against a
# daemon by Invoke-StellaCompliance (or Invoke-Pester on this file, with -Data @{ Endpoint = '<socket>' }).
# A failing test says what is wrong and names the fix. A test that cannot be judged here (a doctor check this
# daemon does not have, the schedule on a machine with no systemd) is skipped with the reason.
param([string] $Endpoint)

BeforeAll {
    $script:at = @{}
    if ($Endpoint) { $script:at.Endpoint = $Endpoint }
    $script:now = [DateTimeOffset]::UtcNow
    function Get-Setting([string] $Name) { (Get-StellaConfig -Name $Name @at -ErrorAction Stop).Value }
    function Get-Days([string] $Duration) { ([StellaOps.Ops.Contracts.Duration]::Parse($Duration)).Value.TotalDays }
    # Fails the test with what is wrong and the fix, in one message.
    function Assert-Compliant([bool] $Compliant, [string] $Problem, [string] $Fix) {
        if (-not $Compliant) { throw "$Problem Fix: $Fix" }
    }
    $script:checks = @(Get-StellaDoctorCheck @at -ErrorAction Stop).Check
    $script:hsm = Get-StellaHsm @at -ErrorAction Stop
    # Scheduled checks are systemd timers on Linux (Scheduled Tasks on Windows): with no systemd here there is no
    # schedule to look at, and the two schedule tests are skipped with that reason rather than failed.
    $script:noScheduler = if ($IsLinux -and -not (Test-Path /run/systemd/system)) { 'no systemd runs here (no /run/systemd/system): scheduled checks are systemd timers; run the pack on the daemon''s host' }
    $script:scheduled = if ($noScheduler) { @() } else { @(Get-StellaScheduledCheck -ErrorAction Stop) }
    # The schedule that runs the check (by id, a wildcard, or every check) with its timer waiting and its last run
    # (when it ran) not failed; else throws what is wrong and the fix.
    function Assert-Scheduled([string] $Check, [string] $What) {
        $register = "Register-StellaScheduledCheck -Check $Check -Every 15m"
        $runs = @($scheduled | Where-Object { $c = @($_.Checks); $c.Count -eq 0 -or @($c | Where-Object { $Check -like $_ }).Count -gt 0 })
        Assert-Compliant ($runs.Count -gt 0) "The $What ($Check) is not in the schedule: no scheduled check runs it." $register
        $waiting = @($runs | Where-Object { $_.State -eq 'active' -and $_.Enabled -eq 'enabled' })
        Assert-Compliant ($waiting.Count -gt 0) ("The $What ($Check) is scheduled, but no timer of it is waiting: " + (($runs | ForEach-Object { "$($_.Unit) is $($_.State), $($_.Enabled)" }) -join '; ') + '.') `
            "$register -Name $($runs[0].Name) (registering again enables and starts the timer)"
        $failed = @($waiting | Where-Object Failed)
        Assert-Compliant ($failed.Count -lt $waiting.Count) ("The $What ($Check) is scheduled, but its last run failed: " + (($failed | ForEach-Object { "$($_.ServiceUnit) ended $($_.LastResult) (exit $($_.LastExitCode)) at $($_.LastRun)" }) -join '; ') + '.') `
            "see why with 'journalctl -u $($failed[0].ServiceUnit)' and fix the failing check (stella doctor --check $Check)"
    }
}

Describe 'attestor-signing-failed.md / attestor-key-expired.md: keys' {
    It 'automatic key rotation is on, 30 days before expiry, with a 14-day overlap' {
        Assert-Compliant ((Get-Setting keys.rotation.auto) -eq 'true') 'Automatic key rotation is off (keys.rotation.auto is false).' 'stella keys config set rotation.auto true'
        $before = Get-Setting keys.rotation.before_expiry
        Assert-Compliant ((Get-Days $before) -ge 30) "Keys are rotated only $before before they expire (keys.rotation.before_expiry)." 'stella keys config set rotation.before_expiry 30d'
        $overlap = [int](Get-Setting keys.rotation.overlap_days)
        Assert-Compliant ($overlap -ge 14) "A rotated-out key stays valid for verification only $overlap day(s) (keys.rotation.overlap_days)." 'stella keys config set rotation.overlap_days 14'
    }
    It 'expiry alerts are raised 30 days (warning) and 7 days (critical) before a key expires' {
        $warn = [int](Get-Setting keys.alerts.expiring_days)
        $critical = [int](Get-Setting keys.alerts.expiring_days_critical)
        Assert-Compliant ($warn -ge 30) "The expiry warning comes only $warn day(s) before a key expires (keys.alerts.expiring_days)." 'stella keys config set alerts.expiring_days 30'
        Assert-Compliant ($critical -ge 7) "The critical expiry alert comes only $critical day(s) before a key expires (keys.alerts.expiring_days_critical)." 'stella keys config set alerts.expiring_days_critical 7'
    }
    It 'at least one unexpired backup signing key is kept' {
        $backups = @(Get-StellaKey -Type Signing -Status Inactive @at -ErrorAction Stop | Where-Object { $_.ExpiresAt -gt $now })
        Assert-Compliant ($backups.Count -ge 1) 'There is no backup signing key: no inactive, unexpired signing key to activate when the active one fails.' `
            'stella keys generate --type signing --algorithm ecdsa-p256 (it stays inactive beside the active key, as the backup)'
    }
}

Describe 'attestor-hsm-connection.md: HSM' {
    It 'a backup HSM is configured for failover' {
        Assert-Compliant ($hsm.State -ne 'NotConfigured') 'No HSM is configured.' 'configure Hsm:Primary (and Hsm:Backup) in the daemon''s opsd.json, then stella attest reload'
        Assert-Compliant (@($hsm.Members | Where-Object Role -eq 'Backup').Count -ge 1) 'No backup HSM is configured: when the primary fails, signing stops.' `
            'configure Hsm:Backup (LibraryPath, TokenLabel, PinFile) in the daemon''s opsd.json, then stella attest reload; check with stella crypto hsm status'
    }
    It 'session keep-alive is on' {
        Assert-Compliant ((Get-Setting hsm.session.keepalive) -eq 'true') 'HSM session keep-alive is off (hsm.session.keepalive is false): idle sessions time out and failures are found late.' `
            'stella crypto hsm config set session.keepalive true'
    }
}

Describe 'every runbook: health checks' {
    It 'every doctor check passes' {
        $results = @(Invoke-StellaDoctor @at -ErrorAction Stop)
        $bad = @($results | Where-Object Status -ne 'Pass')
        Assert-Compliant ($bad.Count -eq 0) ("Doctor checks not passing: " + (($bad | ForEach-Object { "$($_.Check) ($($_.Status)): $($_.Message)" }) -join '; ')) `
            (($bad | ForEach-Object { if ($_.Remediation) { "$($_.Check): $($_.Remediation)" } else { "$($_.Check): stella doctor --check $($_.Check)" } }) -join '; ')
    }
    It 'the signing test is in the health-check schedule' {
        if ($noScheduler) { Set-ItResult -Skipped -Because $noScheduler; return }
        Assert-Scheduled check.attestor.signing-health 'signing health check'
    }
    It 'the HSM health check is in the health-check schedule' {
        if ($noScheduler) { Set-ItResult -Skipped -Because $noScheduler; return }
        Assert-Scheduled check.crypto.hsm-availability 'HSM health check'
    }
}

Describe 'attestor-verification-failed.md / Disaster Recovery Guide: trust' {
    It 'the trust metadata is fresh' {
        if ('check.trust.metadata-freshness' -notin $checks) { Set-ItResult -Skipped -Because 'this daemon has no doctor check check.trust.metadata-freshness (a daemon older than TUF trust sync)'; return }
        $r = Invoke-StellaDoctor -Check check.trust.metadata-freshness @at -ErrorAction Stop
        Assert-Compliant ($r.Status -eq 'Pass') "The trust metadata is not fresh: $($r.Message)" ($(if ($r.Remediation) { $r.Remediation } else { 'stella trust sync --force' }))
    }
    It 'no trust anchor expires within the key alert window (30 days)' {
        $days = [int](Get-Setting keys.alerts.expiring_days)
        $expiring = @(Get-StellaTrustAnchor @at -ErrorAction Stop | Where-Object { $_.NotAfter -and $_.NotAfter -le $now.AddDays([Math]::Max($days, 30)) })
        Assert-Compliant ($expiring.Count -eq 0) ("Trust anchors expire within $([Math]::Max($days, 30)) days: " + (($expiring | ForEach-Object { "$($_.Kind) $($_.Id) ($($_.Subject)) on $($_.NotAfter.ToString('u'))" }) -join '; ') + '.') `
            'add the successor (stella trust-anchors add --cert <new-cert.pem>, or add-key --key <new-key.pem> --expires <date>) before the old one expires, then remove the old one (Remove-StellaTrustAnchor)'
    }
}

# The monitoring files of scripts/monitoring against the real things: the alert rules under `promtool test rules`,
# the daemon's /metrics (metrics.listen) through prometheus-net, and a real Prometheus (/usr/bin/prometheus, Debian's
# `prometheus` package, installed by build.ps1 bootstrap) scraping a real daemon, with the rules loaded, answering
# every panel query of the Grafana dashboard. Nothing is timed: every wait polls with a generous deadline.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    $script:monitoring = Join-Path (Get-Item $PSScriptRoot).Parent.Parent.FullName 'scripts/monitoring'
    $script:rules = Join-Path $monitoring 'stellaops-alerts.yml'
    $script:dashboard = Get-Content -Raw (Join-Path $monitoring 'grafana-attestor-dashboard.json') | ConvertFrom-Json

    # The metrics the daemon emits, each of which must be scraped: with trust synced from a TUF repository and two
    # transparency logs (Start-TestTrustEnvironment) the TUF and transparency-log series are there too.
    $script:emitted = @(
        'attestor_signing_failures_total', 'attestor_signatures_total', 'attestor_verifications_total', 'attestor_verification_failures_total',
        'attestor_key_expiry_seconds', 'attestor_hsm_connection_up', 'attestor_key_rotations_total', 'attestor_key_expiry_alerts_total',
        'attestor_tuf_metadata_age_seconds', 'attestor_tuf_metadata_expiry_seconds', 'attestor_tuf_refreshes_total',
        'attestor_circuit_breaker_opens_total', 'attestor_tlog_submissions_total', 'attestor_tlog_submission_failures_total',
        'attestor_tlog_submission_duration_seconds_bucket', 'attestor_outbox_depth', 'attestor_outbox_oldest_age_seconds')
    $script:pending = @()

    function Get-FreePort {
        $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $l.Start()
        try { $l.LocalEndpoint.Port } finally { $l.Stop() }
    }
    # Polls a script block until it returns something truthy; returns its last value either way (the test asserts on it).
    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 90) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        do {
            $value = try { & $Condition } catch { $null }
            if ($value) { return $value }
            Start-Sleep -Milliseconds 250
        } while ([DateTime]::UtcNow -lt $deadline)
        $value
    }
    function Get-Metrics { (Invoke-WebRequest -Uri "http://127.0.0.1:$metricsPort/metrics" -UseBasicParsing).Content }
    function Invoke-PromQuery([string] $Query) {
        Invoke-RestMethod -Uri "http://127.0.0.1:$promPort/api/v1/query" -Method Post -Body @{ query = $Query }
    }
    # The metric names a PromQL expression reads (recording-rule names contain ':' and are not metrics).
    function Get-ExprMetrics([string] $Expr) {
        @([regex]::Matches($Expr, '\b(?:attestor|signing)_[a-z0-9_]+\b') | ForEach-Object Value | Sort-Object -Unique)
    }

    # A daemon with one real SoftHSM2 token, its Prometheus endpoint on a free loopback port, trust synced from a
    # loopback TUF repository that names two test logs, and one attestation logged (the transparency-log series).
    $script:hsmDir = Join-Path ([System.IO.Path]::GetTempPath()) ("sop-mon-" + [guid]::NewGuid().ToString('n').Substring(0, 10))
    $script:token = New-TestSoftHsmToken -Directory $hsmDir -Label 'sop-mon' -Pin '24682468' -WithSelfTestKey
    $script:metricsPort = Get-FreePort
    $script:trust = Start-TestTrustEnvironment
    $script:daemon = Start-TestDaemon -Config @{
        Metrics      = @{ Listen = "127.0.0.1:$metricsPort" }
        Hsm          = @{
            Pkcs11  = @{ LibraryPath = $token.Library }
            Primary = @{ TokenLabel = $token.Label; PinFile = (New-TestPinFile (Join-Path $hsmDir 'primary.pin') $token.Pin); Environment = @{ SOFTHSM2_CONF = $token.ConfPath } }
        }
        Transparency = $trust.DaemonConfig.Transparency
    }
    Initialize-TestDaemonTrust $trust $daemon | Out-Null
    $null = Wait-TestHsm { param($s) $s.State -eq 'Connected' }
    $script:key = stella keys generate --type signing --algorithm ecdsa-p256 --name monitoring-key
    $logged = New-StellaAttestation -Type test -Subject 'test:monitoring-logged'
    $null = Wait-Until { (Get-StellaAttestation -Id $logged.Id).Status -eq 'Logged' }
}
AfterAll {
    if ($script:prometheus -and -not $script:prometheus.HasExited) { $script:prometheus.Kill(); $script:prometheus.WaitForExit(10000) | Out-Null }
    Stop-TestDaemon $script:daemon
    Stop-TestTrustEnvironment $script:trust
    foreach ($d in $script:hsmDir, $script:promDir) { if ($d) { Remove-Item -Recurse -Force $d -ErrorAction SilentlyContinue } }
}

Describe 'scripts/monitoring/stellaops-alerts.yml under promtool' {
    It 'passes its unit tests: each alert fires on the series that should fire it and stays quiet on the others' {
        Push-Location $monitoring
        try { $out = & promtool test rules stellaops-alerts.test.yml 2>&1 | Out-String } finally { Pop-Location }
        $LASTEXITCODE | Should -Be 0 -Because $out
        $out | Should -Match 'SUCCESS'
    }
    It 'has the four runbook alerts and the guide''s thresholds, each with a severity, a summary and a runbook naming its doctor check' {
        $out = & promtool check rules $rules 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $out
        $names = [regex]::Matches((Get-Content -Raw $rules), '(?m)^\s*- alert: (\S+)') | ForEach-Object { $_.Groups[1].Value }
        foreach ($a in 'AttestorSigningFailed', 'AttestorKeyExpired', 'AttestorVerificationFailed', 'AttestorHsmConnectionFailed',
            'AttestorTufMetadataStaleWarning', 'AttestorTufMetadataStaleCritical', 'AttestorCircuitBreakerOpensWarning', 'AttestorCircuitBreakerOpensCritical',
            'AttestorTlogSubmissionFailuresWarning', 'AttestorTlogSubmissionFailuresCritical', 'AttestorVerificationFailureRateWarning', 'AttestorVerificationFailureRateCritical') {
            $names | Should -Contain $a
        }
        # Every alert block carries the three.
        $blocks = (Get-Content -Raw $rules) -split '(?m)^\s*- alert: ' | Select-Object -Skip 1
        $blocks.Count | Should -Be $names.Count
        foreach ($b in $blocks) {
            $b | Should -Match 'severity: (critical|high|warning)'
            $b | Should -Match "summary: '"
            $b | Should -Match "runbook: '[^']+; doctor check: stella doctor --check check\.[a-z.-]+'"
        }
    }
    It 'the test file fails when a threshold is wrong (a 3 % verification warning, a 50-per-hour circuit alarm)' {
        $copy = Join-Path $hsmDir 'mutated'
        New-Item -ItemType Directory -Force $copy | Out-Null
        Copy-Item (Join-Path $monitoring 'stellaops-alerts.test.yml') $copy
        (Get-Content -Raw $rules).Replace('ratio15m > 0.01', 'ratio15m > 0.03').Replace('increase1h > 5', 'increase1h > 50') |
            Set-Content (Join-Path $copy 'stellaops-alerts.yml')
        Push-Location $copy
        try { $out = & promtool test rules stellaops-alerts.test.yml 2>&1 | Out-String } finally { Pop-Location }
        $LASTEXITCODE | Should -Not -Be 0
        $out | Should -Match 'alertname: AttestorVerificationFailureRateWarning'
        $out | Should -Match 'alertname: AttestorCircuitBreakerOpensCritical'
    }
}

Describe 'the daemon''s /metrics (metrics.listen)' {
    It 'serves the runbooks'' names in the Prometheus text format: counters from 0, key expiry per key, HSM state per member' {
        $text = Wait-Until { $t = Get-Metrics; if ($t -match 'attestor_key_expiry_seconds\{') { $t } }
        $text | Should -Match '(?m)^attestor_signing_failures_total 0$'
        $text | Should -Match '(?m)^attestor_verification_failures_total 0$'
        $text -match ('(?m)^attestor_key_expiry_seconds\{key_id="' + $key.Id + '"\} (\d+)$') | Should -BeTrue
        [double]$Matches[1] | Should -BeGreaterThan (360 * 86400)
        $text | Should -Match '(?m)^attestor_hsm_connection_up\{member="primary"\} 1$'
        $text | Should -Not -Match 'stellaops_ops'
    }
    It 'counts a signing failure under attestor_signing_failures_total with its reason' {
        # Point the attestor at no usable key: the only key inactive, so the next attestation fails to sign (evidence kept).
        Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
        try {
            $a = New-StellaAttestation -Type test -Subject 'test:monitoring-failure' -ErrorAction SilentlyContinue
            $text = Wait-Until { $t = Get-Metrics; if ($t -match 'attestor_signing_failures_total\{reason="([A-Za-z]+)"\} 1') { $t } }
            $text | Should -Match 'attestor_signing_failures_total\{reason="NoActiveKey"\} 1'
        }
        finally { Reset-StellaConfig -Name attest.signing.mode }
    }
    It 'is off by default, and a non-loopback address is refused at start naming both settings (exit 2)' {
        $setting = Get-StellaConfig -Name metrics.listen
        $setting.DefaultValue | Should -Be ''
        $setting.AppliesLive | Should -BeFalse
        (Get-Content -Raw $daemon.Log) | Should -Match 'Serving Prometheus metrics on http://127\.0\.0\.1:\d+/metrics'
        $state = Join-Path $hsmDir 'refused-state'
        New-Item -ItemType Directory -Force $state | Out-Null
        $out = & (Get-TestDaemonPath) --endpoint (Join-Path $hsmDir 'refused.sock') --state-dir $state '--Metrics:Listen=0.0.0.0:9464' 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 2
        $out | Should -Match "metrics\.listen '0\.0\.0\.0:9464' is not a loopback address"
        $out | Should -Match 'metrics\.allow_non_loopback'
    }
    It 'config set refuses a non-loopback metrics.listen unless metrics.allow_non_loopback is true' {
        Set-StellaConfig -Name metrics.listen -Value 192.0.2.10:9464 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidSetting,*'
        $errs[0].Exception.Message | Should -Match 'not a loopback address.*metrics\.allow_non_loopback'
        (Get-StellaConfig -Name metrics.listen).Value | Should -Be "127.0.0.1:$metricsPort"
        try {
            Set-StellaConfig -Name metrics.allow_non_loopback -Value true
            Set-StellaConfig -Name metrics.listen -Value 192.0.2.10:9464
            (Get-StellaConfig -Name metrics.listen).Value | Should -Be '192.0.2.10:9464'
            # Turning the permission off again while the address needs it is refused too.
            Set-StellaConfig -Name metrics.allow_non_loopback -Value false -ErrorVariable errs2 -ErrorAction SilentlyContinue
            $errs2[0].Exception.Message | Should -Match 'not a loopback address'
        }
        finally {
            Reset-StellaConfig -Name metrics.listen
            Reset-StellaConfig -Name metrics.allow_non_loopback
        }
        (Get-StellaConfig -Name metrics.listen).Value | Should -Be "127.0.0.1:$metricsPort"
    }
}

Describe 'a real Prometheus scraping the daemon, with the alert rules, answers every panel of the Grafana dashboard' {
    BeforeAll {
        $script:promPort = Get-FreePort
        $script:promDir = Join-Path ([System.IO.Path]::GetTempPath()) ("sop-prom-" + [guid]::NewGuid().ToString('n').Substring(0, 10))
        New-Item -ItemType Directory -Force (Join-Path $promDir 'data') | Out-Null
        Copy-Item $rules $promDir
        @"
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [stellaops-alerts.yml]
scrape_configs:
  - job_name: stellaops-opsd
    static_configs:
      - targets: ['127.0.0.1:$metricsPort']
"@ | Set-Content (Join-Path $promDir 'prometheus.yml')
        $psi = [System.Diagnostics.ProcessStartInfo]::new('/usr/bin/prometheus')
        foreach ($a in "--config.file=$(Join-Path $promDir 'prometheus.yml')", "--storage.tsdb.path=$(Join-Path $promDir 'data')",
            "--web.listen-address=127.0.0.1:$promPort", '--log.level=warn') { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $script:prometheus = [System.Diagnostics.Process]::Start($psi)
        $prometheus.BeginOutputReadLine(); $prometheus.BeginErrorReadLine()
        $script:scraped = Wait-Until {
            $r = Invoke-PromQuery 'count by (__name__) ({job="stellaops-opsd", __name__=~"(attestor|signing)_.+"})'
            $names = @($r.data.result | ForEach-Object { $_.metric.__name__ })
            if (@($emitted | Where-Object { $_ -notin $names }).Count -eq 0) { $names }
        }
    }

    It 'scrapes the daemon (up is 1) and gets every metric this branch emits' {
        (Invoke-PromQuery 'up{job="stellaops-opsd"}').data.result[0].value[1] | Should -Be '1'
        foreach ($m in $emitted) { $scraped | Should -Contain $m }
    }
    It 'loads the alert rules and evaluates every one without error' {
        $groups = Wait-Until {
            $g = (Invoke-RestMethod "http://127.0.0.1:$promPort/api/v1/rules").data.groups
            if (@($g.rules | Where-Object health -ne 'ok').Count -eq 0 -and @($g.rules).Count -gt 0) { $g }
        }
        @($groups.rules).Count | Should -Be 23
        $groups.rules | ForEach-Object { $_.health | Should -Be 'ok' -Because "$($_.name): $($_.lastError)" }
    }
    It 'the dashboard is "Attestor" with a panel for each alert''s signal' {
        $dashboard.title | Should -Be 'Attestor'
        $described = ($dashboard.panels.description | Where-Object { $_ }) -join ' '
        foreach ($a in [regex]::Matches((Get-Content -Raw $rules), '(?m)^\s*- alert: (\S+)')) { $described | Should -Match "\b$($a.Groups[1].Value)\b" }
    }
    It 'every panel query parses, reads only known metrics, and returns series when the daemon emits its metrics' {
        $targets = @($dashboard.panels | Where-Object type -ne 'row' | ForEach-Object { $p = $_; $p.targets | ForEach-Object { [pscustomobject]@{ Panel = $p.title; Expr = $_.expr } } })
        $targets.Count | Should -BeGreaterThan 10
        foreach ($t in $targets) {
            $metrics = Get-ExprMetrics $t.Expr
            $metrics | ForEach-Object { $_ | Should -BeIn ($emitted + $pending) -Because "panel '$($t.Panel)' reads $_" }
            $answer = Invoke-PromQuery $t.Expr
            $answer.status | Should -Be 'success' -Because "panel '$($t.Panel)': $($t.Expr)"
            if (@($metrics | Where-Object { $_ -notin $scraped }).Count -eq 0) {
                # Rates need two samples in their window: poll until the series are there.
                $result = Wait-Until { @((Invoke-PromQuery $t.Expr).data.result) }
                @($result).Count | Should -BeGreaterThan 0 -Because "panel '$($t.Panel)' ($($t.Expr)) should return series"
            }
        }
    }
}

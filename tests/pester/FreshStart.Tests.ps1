# A fresh per-user start, the way `build.ps1 start` makes it: stella-opsd with no arguments on its embedded defaults,
# with an empty HOME (so an empty state directory) and its own runtime directory for the socket. The development
# setup must be ready to do its main job: the doctor passes and an attestation is signed.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    $script:root = Join-Path ([System.IO.Path]::GetTempPath()) ("sop-fresh-" + [guid]::NewGuid().ToString('n').Substring(0, 10))
    $script:homeDir = Join-Path $root 'home'
    $script:runtimeDir = Join-Path $root 'run'
    New-Item -ItemType Directory -Force $homeDir, $runtimeDir | Out-Null
    & chmod 700 $homeDir $runtimeDir
    $script:endpoint = Join-Path $runtimeDir 'stellaops/opsd.sock'
    $script:stateDir = Join-Path $homeDir '.local/state/stellaops'
    $script:log = Join-Path $root 'opsd.log'

    # As build.ps1 start runs it: no arguments; everything per user comes from HOME and XDG_RUNTIME_DIR.
    function Start-FreshDaemon {
        $psi = [System.Diagnostics.ProcessStartInfo]::new((Get-TestDaemonPath))
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.RedirectStandardInput = $true
        foreach ($k in @($psi.Environment.Keys)) {
            if ($k -like 'STELLAOPS_*' -or $k -like 'XDG_*' -or $k -eq 'SOFTHSM2_CONF') { $psi.Environment.Remove($k) | Out-Null }
        }
        $psi.Environment['HOME'] = $homeDir
        $psi.Environment['XDG_RUNTIME_DIR'] = $runtimeDir
        $p = [System.Diagnostics.Process]::new()
        $p.StartInfo = $psi
        $handler = { if ($null -ne $EventArgs.Data) { [System.IO.File]::AppendAllText($Event.MessageData, $EventArgs.Data + "`n") } }
        Register-ObjectEvent -InputObject $p -EventName OutputDataReceived -Action $handler -MessageData $log | Out-Null
        Register-ObjectEvent -InputObject $p -EventName ErrorDataReceived -Action $handler -MessageData $log | Out-Null
        [void]$p.Start()
        $p.BeginOutputReadLine(); $p.BeginErrorReadLine()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ([DateTime]::UtcNow -lt $deadline) {
            if ($p.HasExited) { throw "stella-opsd exited with $($p.ExitCode). Log: $(Get-Content -Raw $log -ErrorAction SilentlyContinue)" }
            if (Test-Path $endpoint) {
                try { if ((Get-StellaAttestorStatus -Endpoint $endpoint -ErrorAction Stop).Daemon.ProcessId -eq $p.Id) { return $p } } catch { }
            }
            Start-Sleep -Milliseconds 100
        }
        throw "stella-opsd did not answer at $endpoint. Log: $(Get-Content -Raw $log -ErrorAction SilentlyContinue)"
    }
    function Stop-FreshDaemon($Process) {
        if (-not $Process -or $Process.HasExited) { return }
        & kill -TERM $Process.Id 2>$null
        if (-not $Process.WaitForExit(15000)) { $Process.Kill($true); $Process.WaitForExit(5000) | Out-Null }
        Disconnect-StellaDaemon -Endpoint $endpoint -ErrorAction SilentlyContinue
    }

    $script:daemon = Start-FreshDaemon
    $env:STELLAOPS_ENDPOINT = $endpoint
}
AfterAll {
    Stop-FreshDaemon $script:daemon
    if ($env:STELLAOPS_ENDPOINT -eq $script:endpoint) { Remove-Item Env:STELLAOPS_ENDPOINT -ErrorAction SilentlyContinue }
    Remove-Item -Recurse -Force $script:root -ErrorAction SilentlyContinue
}

Describe 'a fresh per-user start on embedded defaults (build.ps1 start)' {
    It 'keeps its state under the empty HOME: the development token, its PIN file readable by the user only' {
        (Get-StellaAttestorStatus).Daemon.StateDirectory | Should -Be $stateDir
        Test-Path (Join-Path $stateDir 'opsd.db') | Should -BeTrue
        $pinFile = Join-Path $stateDir 'softhsm/user.pin'
        (& stat -c '%a' $pinFile) | Should -Be '600'
        Get-Content -Raw $log | Should -Not -Match ([regex]::Escape((Get-Content -Raw $pinFile)))
    }
    It 'stella attest status: an active signing key on the development token, and a backup key' {
        $s = stella attest status
        $s.KeyProblem | Should -BeNullOrEmpty
        $s.SigningMode | Should -Be 'hsm'
        $s.SigningKey.Provider | Should -Be 'Hsm'
        $s.SigningKey.Status | Should -Be 'Active'
        $s.SigningKey.Location | Should -Be 'stellaops-dev'
        # Everything is ready but what embedded defaults cannot configure: trust sync (no TUF repository) and the
        # transparency log (no signing config); those say NotConfigured, never Down or Degraded.
        $s.Daemon.Capabilities | Where-Object State -ne 'Ready' | ForEach-Object { $_.State | Should -Be 'NotConfigured' -Because $_.Name }
        @($s.Daemon.Capabilities | Where-Object State -eq 'Ready').Count | Should -BeGreaterOrEqual 5
        $keys = @(stella keys list --type signing)
        $keys.Count | Should -Be 2
        @($keys | Where-Object Status -eq 'Inactive').Count | Should -Be 1
        $keys.Provider | Sort-Object -Unique | Should -Be 'Hsm'
        $script:signingKey = $s.SigningKey
    }
    It 'stella doctor passes every check but trust sync and the transparency log, which warn and name stella trust init' {
        $results = @(stella doctor)
        $results.Count | Should -BeGreaterOrEqual 5
        $script:notConfigured = 'check.trust.metadata-freshness', 'check.trust.metadata-expiry', 'check.attestor.transparency-log'
        $failing = @($results | Where-Object { $_.Status -ne 'Pass' -and $_.Check -notin $notConfigured } | ForEach-Object { "$($_.Check): $($_.Status): $($_.Message)" })
        $failing | Should -BeNullOrEmpty
        foreach ($r in $results | Where-Object Check -in $notConfigured) {
            $r.Status | Should -Be 'Warn' -Because $r.Check
            $r.Remediation | Should -Match 'stella trust init' -Because $r.Check
        }
    }
    It 'stella attest create --type test --subject "test:verification" is signed by the development key' {
        $a = stella attest create --type test --subject "test:verification" -ErrorVariable errs
        $errs.Count | Should -Be 0
        $a.Status | Should -Be 'Signed'
        $a.KeyId | Should -Be $signingKey.Id
        (stella attest integrity-check $a.Id).Intact | Should -BeTrue
    }
    It 'stella crypto hsm verify signs with the provisioned self-test key; after reconnect the HSM is Connected with no error' {
        $v = stella crypto hsm verify
        $v.Success | Should -BeTrue
        $v.Message | Should -Match '7374656C6C612D73656C6674657374'
        $s = stella crypto hsm reconnect
        $s.State | Should -Be 'Connected'
        $s.Members.LastError | Where-Object { $_ } | Should -BeNullOrEmpty
        @(stella crypto hsm test) | Where-Object { -not $_.Success } | Should -BeNullOrEmpty
        $after = stella crypto hsm status
        $after.State | Should -Be 'Connected'
        $after.Members.LastError | Where-Object { $_ } | Should -BeNullOrEmpty
    }
    It 'the daemon audited what it put on the token at start' {
        $audit = @(Get-StellaLog -Component Audit -First 1000)
        @($audit | Where-Object Category -eq 'hsm.ProvisionSelfTestKey').Count | Should -Be 1
        @($audit | Where-Object Category -eq 'keys.GenerateDevelopmentKey').Count | Should -Be 2
    }
    It 'a restart reuses the token and its keys: nothing new is provisioned, and it signs at once' {
        Stop-FreshDaemon $script:daemon
        $script:daemon = Start-FreshDaemon
        $s = stella attest status
        $s.SigningKey.Id | Should -Be $signingKey.Id
        @(stella keys list --type signing).Count | Should -Be 2
        (stella attest create --type test --subject "test:after-restart").Status | Should -Be 'Signed'
        @(stella doctor | Where-Object { $_.Status -ne 'Pass' -and $_.Check -notin $script:notConfigured }) | Should -BeNullOrEmpty
    }
}

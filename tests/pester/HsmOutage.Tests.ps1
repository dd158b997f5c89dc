# Runbook 003 (HSM connection issues) as it happens: the primary HSM is a `p11-kit server` for a SoftHSM2 token
# that is killed (a real outage), the backup a direct SoftHSM2 token. The outage must be in the error log with the
# member, the operation and the cause; the software fallback must sign; recovery and fail-back are information.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    $script:hsmDir = Join-Path ([System.IO.Path]::GetTempPath()) ("sop-out-" + [guid]::NewGuid().ToString('n').Substring(0, 10))
    $script:primary = New-TestSoftHsmToken -Directory (Join-Path $hsmDir 'primary') -Label 'sop-out-primary' -Pin '12123434'
    $script:backup = New-TestSoftHsmToken -Directory (Join-Path $hsmDir 'backup') -Label 'sop-out-backup' -Pin '56567878'
    $script:socket = Join-Path $hsmDir 'p11/pkcs11.sock'

    # `p11-kit server` in its own session (setsid): its pid is its process group, which Stop-P11KitServer kills whole.
    function Start-P11KitServer {
        New-Item -ItemType Directory -Force (Split-Path $socket) | Out-Null
        Remove-Item $socket -Force -ErrorAction SilentlyContinue
        $psi = [System.Diagnostics.ProcessStartInfo]::new('setsid')
        foreach ($a in 'p11-kit', 'server', '-f', '--provider', $primary.Library, '-n', $socket, "pkcs11:token=$($primary.Label)") { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.RedirectStandardInput = $true
        $psi.Environment['SOFTHSM2_CONF'] = $primary.ConfPath
        $p = [System.Diagnostics.Process]::Start($psi)
        $p.BeginOutputReadLine(); $p.BeginErrorReadLine()
        # Ready means accepting: the socket file appears at bind(), before listen(), and a client connecting in
        # between is refused (the daemon would log the primary's first connect as an outage).
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not [StellaOps.Ops.Contracts.Unix.UnixSocketProbe]::Answers($socket)) {
            if ($p.HasExited -or [DateTime]::UtcNow -gt $deadline) { throw "p11-kit server did not listen on $socket (exited: $($p.HasExited))" }
            Start-Sleep -Milliseconds 20
        }
        $script:server = $p
    }
    function Stop-P11KitServer {
        if ($script:server -and -not $script:server.HasExited) {
            & kill -KILL -- "-$($script:server.Id)" 2>$null
            $script:server.WaitForExit(5000) | Out-Null
        }
    }

    Start-P11KitServer
    $script:daemon = Start-TestDaemon -Config @{
        Hsm = @{
            Pkcs11            = @{ LibraryPath = '/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so' }
            Session           = @{ Timeout = '5s'; Keepalive = $true; KeepaliveInterval = '1s' }
            ReconnectMaxDelay = '1s'
            FailbackProbes    = 1
            Primary           = @{ TokenLabel = $primary.Label; PinFile = (New-TestPinFile (Join-Path $hsmDir 'primary.pin') $primary.Pin); Environment = @{ P11_KIT_SERVER_ADDRESS = "unix:path=$socket" } }
            Backup            = @{ LibraryPath = $backup.Library; TokenLabel = $backup.Label; PinFile = (New-TestPinFile (Join-Path $hsmDir 'backup.pin') $backup.Pin); Environment = @{ SOFTHSM2_CONF = $backup.ConfPath } }
        }
    }
    $script:ready = Wait-TestHsm { param($s) $s.State -eq 'Connected' -and $s.Active -eq 'Primary' -and @($s.Members | Where-Object State -eq 'Connected').Count -eq 2 }
}
AfterAll {
    Stop-TestDaemon $script:daemon
    Stop-P11KitServer
    if ($script:hsmDir) { Remove-Item -Recurse -Force $script:hsmDir -ErrorAction SilentlyContinue }
}

Describe 'runbook 003: the primary HSM dies, the daemon fails over, software signing takes over, the primary returns' {
    It 'before: an HSM key is generated (the first one becomes active) and signs on the primary' {
        $ready.State | Should -Be 'Connected'
        $k = stella keys generate --type signing --algorithm ecdsa-p256
        $k.Provider | Should -Be 'Hsm'
        $k.Status | Should -Be 'Active'
        $a = stella attest create --type test --subject 'test:before-outage'
        $a.Status | Should -Be 'Signed'
        $a.KeyId | Should -Be $k.Id
        @(stella crypto hsm logs --level error --last 30m) | Should -BeNullOrEmpty
        $script:hsmKey = $k
    }
    It 'stella crypto hsm logs --level error --last 30m shows the outage and the failover, with the member, the operation and the cause' {
        Stop-P11KitServer
        $v = stella crypto hsm verify
        $v.Success | Should -BeTrue
        $v.Hsm | Should -Be 'backup'
        (Wait-TestHsm { param($s) $s.State -eq 'FailedOver' }).Active | Should -Be 'Backup'

        $errors = @(stella crypto hsm logs --level error --last 30m)
        $errors | ForEach-Object { $_.Component | Should -Be 'Hsm'; [int]$_.Level | Should -BeGreaterOrEqual 4 }
        $text = $errors.Message -join "`n"
        # A call on the primary (the keep-alive probe or the signature) failed: member, operation and cause.
        $text | Should -Match "HSM primary: \S+ failed \((Connection|Timeout|Session)[^)]*\): HSM 'primary'"
        $text | Should -Match 'HSM primary: (Connected|Degraded) -> Down: '
        $text | Should -Match 'HSM group hsm: failed over to Backup: primary'
    }
    It 'the HSM key is not on the backup: the verification step fails; software mode and a reload name the exact commands' {
        $failed = stella attest create --type test --subject 'test:verification' -ErrorAction SilentlyContinue
        $failed.Status | Should -Be 'Failed'
        stella attest config set signing.mode software -WarningAction SilentlyContinue | Out-Null
        $reload = stella attest reload -WarningAction SilentlyContinue
        $warning = @($reload.Warnings | Where-Object { $_ -match 'no key to sign with' })
        $warning.Count | Should -Be 1
        $warning[0] | Should -Match ([regex]::Escape("'stella keys generate --type signing --algorithm ecdsa-p256'"))
        $warning[0] | Should -Match ([regex]::Escape("'stella attest retry --failed --last 1h'"))
        $script:failed = $failed
    }
    It 'stella keys generate in software mode makes the active software key; reload and retry sign' {
        $sk = stella keys generate --type signing --algorithm ecdsa-p256
        $sk.Provider | Should -Be 'Software'
        $sk.Status | Should -Be 'Active'
        @((stella attest reload -WarningAction SilentlyContinue).Warnings | Where-Object { $_ -match 'no key to sign with' }) | Should -BeNullOrEmpty
        $r = @(stella attest retry --failed --last 1h -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $signed = $r | Where-Object Id -eq $failed.Id
        $signed.Status | Should -Be 'Signed'
        $signed.KeyId | Should -Be $sk.Id
        # The HSM key is still the active HSM key: software signing did not replace it.
        (Get-StellaKey -Id $hsmKey.Id).Status | Should -Be 'Active'
    }
    It 'stella keys generate --hsm-slot SLOT makes an HSM key in that slot while the signing mode is software' {
        (stella attest config get signing.mode).Value | Should -Be 'software'
        $h = stella keys generate --type signing --algorithm ecdsa-p256 --hsm-slot backup -ErrorVariable errs
        $errs.Count | Should -Be 0
        $h.Provider | Should -Be 'Hsm'
        $h.Location | Should -Be 'backup'
        $h.Status | Should -Be 'Inactive' -Because 'the HSM already has an active signing key'
        $bad = New-StellaKey -Algorithm ecdsa-p256 -Provider Software -HsmSlot backup -ErrorVariable errs2 -ErrorAction SilentlyContinue
        $bad | Should -BeNullOrEmpty
        $errs2[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
    }
    It 'the primary returns: the daemon reconnects and fails back, logged as information, not as errors' {
        $errorsBefore = @(stella crypto hsm logs --level error --last 30m).Count
        Start-P11KitServer
        $s = Wait-TestHsm { param($x) $x.Active -eq 'Primary' -and $x.State -eq 'Connected' } -Seconds 60
        $s.Active | Should -Be 'Primary'
        $s.State | Should -Be 'Connected'
        ($s.Members | Where-Object Name -eq 'primary').LastError | Should -BeNullOrEmpty

        $hsmLog = @(stella crypto hsm logs --last 30m)
        $failBack = @($hsmLog | Where-Object Message -match 'HSM group hsm: failed back to Primary')
        $failBack.Count | Should -BeGreaterOrEqual 1
        $failBack.Level | Sort-Object -Unique | Should -Be 'Information'
        $recovered = @($hsmLog | Where-Object Message -match 'HSM primary: Down -> Connected')
        $recovered.Count | Should -BeGreaterOrEqual 1
        $recovered.Level | Sort-Object -Unique | Should -Be 'Information'
        @(stella crypto hsm logs --level error --last 30m).Count | Should -Be $errorsBefore

        stella attest config set signing.mode hsm | Out-Null
        stella attest reload | Out-Null
        $a = stella attest create --type test --subject 'test:after-outage'
        $a.Status | Should -Be 'Signed'
        $a.KeyId | Should -Be $hsmKey.Id
    }
}

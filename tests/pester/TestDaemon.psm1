# Test helper: a REAL stella-opsd process per test file, on its own socket and state directory. Never a mock.
#   $d = Start-TestDaemon            # starts it, waits until it answers through the module
#   $d = Start-TestDaemon -Config @{ Hsm = @{ ... } }   # the same, with an opsd.json (--config) in its temp folder
#   $t = New-TestSoftHsmToken -Directory $dir -Label primary -Pin 1234   # a real SoftHSM2 token (softhsm2-util)
#   Restart-TestDaemon $d            # SIGTERM, then the same endpoint and state dir again
#   Stop-TestDaemon $d               # SIGTERM (then SIGKILL after 10 s), removes its temp folder
# Module and daemon come from the runner's environment (build.ps1 test sets them), else the repo's build output.

$script:RepoRoot = if ($env:STELLAOPS_REPO_ROOT) { $env:STELLAOPS_REPO_ROOT } else { (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path }

function Get-TestModulePath {
    if ($env:STELLAOPS_MODULE_PATH) { return $env:STELLAOPS_MODULE_PATH }
    $laidOut = Join-Path $script:RepoRoot 'out/StellaOps/StellaOps.psd1'
    if (Test-Path $laidOut) { return $laidOut }
    throw "No module: set STELLAOPS_MODULE_PATH or run 'dotnet pwsh ./build.ps1 build' (expected $laidOut)."
}

function Get-TestDaemonPath {
    if ($env:STELLAOPS_DAEMON_PATH) { return $env:STELLAOPS_DAEMON_PATH }
    $candidates = @(
        (Join-Path $script:RepoRoot 'out/daemon/stella-opsd'),
        (Join-Path $script:RepoRoot 'daemon/StellaOps.Ops.Daemon/bin/Release/net10.0/stella-opsd'),
        (Join-Path $script:RepoRoot 'daemon/StellaOps.Ops.Daemon/bin/Debug/net10.0/stella-opsd'))
    $found = $candidates | Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $found) { throw "No daemon: set STELLAOPS_DAEMON_PATH or build it (looked in: $($candidates -join ', '))." }
    $found
}

function Start-DaemonProcess($Daemon) {
    $psi = [System.Diagnostics.ProcessStartInfo]::new($Daemon.DaemonPath)
    foreach ($a in '--endpoint', $Daemon.Endpoint, '--state-dir', $Daemon.StateDir) { $psi.ArgumentList.Add($a) }
    if ($Daemon.ConfigFile) { $psi.ArgumentList.Add('--config'); $psi.ArgumentList.Add($Daemon.ConfigFile) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $psi.Environment['STELLAOPS_ENDPOINT'] = $Daemon.Endpoint
    $p = [System.Diagnostics.Process]::new()
    $p.StartInfo = $psi
    $log = $Daemon.Log
    # Drain both streams into the log so the daemon never blocks on a full pipe.
    $handler = { if ($null -ne $EventArgs.Data) { [System.IO.File]::AppendAllText($Event.MessageData, $EventArgs.Data + "`n") } }
    Register-ObjectEvent -InputObject $p -EventName OutputDataReceived -Action $handler -MessageData $log | Out-Null
    Register-ObjectEvent -InputObject $p -EventName ErrorDataReceived -Action $handler -MessageData $log | Out-Null
    [void]$p.Start()
    $p.BeginOutputReadLine(); $p.BeginErrorReadLine()
    $Daemon.Process = $p
    Wait-TestDaemon $Daemon
}

function Wait-TestDaemon($Daemon, [int] $TimeoutSeconds = 30) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $last = $null
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($Daemon.Process.HasExited) { throw "stella-opsd exited with $($Daemon.Process.ExitCode) before answering. Log: $(Get-Content -Raw $Daemon.Log -ErrorAction SilentlyContinue)" }
        if (Test-Path $Daemon.Endpoint) {
            try {
                $status = Get-StellaAttestorStatus -Endpoint $Daemon.Endpoint -ErrorAction Stop
                if ($status.Daemon.ProcessId -eq $Daemon.Process.Id) { return }
            }
            catch { $last = $_ }
        }
        Start-Sleep -Milliseconds 100
    }
    throw "stella-opsd did not answer at $($Daemon.Endpoint) within $TimeoutSeconds s: $last"
}

function Start-TestDaemon {
    [CmdletBinding()]
    param(
        [switch] $NoEnvironment,
        # Written as the daemon's opsd.json (e.g. an Hsm section); without it the daemon starts on its defaults.
        [hashtable] $Config
    )
    if (-not (Get-Command Get-StellaAttestorStatus -ErrorAction SilentlyContinue)) { Import-Module (Get-TestModulePath) -Force }
    # Short path: a Unix socket path must fit in 108 bytes.
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("sop-" + [guid]::NewGuid().ToString('n').Substring(0, 10))
    New-Item -ItemType Directory -Path (Join-Path $root 'state') -Force | Out-Null
    $daemon = [pscustomobject]@{
        DaemonPath = Get-TestDaemonPath
        Root       = $root
        Endpoint   = Join-Path $root 'opsd.sock'
        StateDir   = Join-Path $root 'state'
        Log        = Join-Path $root 'opsd.log'
        Process    = $null
        ConfigFile = $null
    }
    if ($Config) {
        $daemon.ConfigFile = Join-Path $root 'opsd.json'
        $Config | ConvertTo-Json -Depth 10 | Set-Content -Path $daemon.ConfigFile -Encoding utf8
    }
    Start-DaemonProcess $daemon
    if (-not $NoEnvironment) { $env:STELLAOPS_ENDPOINT = $daemon.Endpoint }
    $daemon
}

function Stop-DaemonProcess($Daemon) {
    $p = $Daemon.Process
    if (-not $p -or $p.HasExited) { return }
    & kill -TERM $p.Id 2>$null
    if (-not $p.WaitForExit(10000)) { $p.Kill($true); $p.WaitForExit(5000) | Out-Null }
    Disconnect-StellaDaemon -Endpoint $Daemon.Endpoint -ErrorAction SilentlyContinue
}

function Restart-TestDaemon($Daemon) {
    Stop-DaemonProcess $Daemon
    Start-DaemonProcess $Daemon
}

function Stop-TestDaemon($Daemon) {
    if (-not $Daemon) { return }
    Stop-DaemonProcess $Daemon
    if ($env:STELLAOPS_ENDPOINT -eq $Daemon.Endpoint) { Remove-Item Env:STELLAOPS_ENDPOINT -ErrorAction SilentlyContinue }
    Remove-Item -Recurse -Force $Daemon.Root -ErrorAction SilentlyContinue
}

# A real SoftHSM2 token, initialised with softhsm2-util. Tokens that one daemon loads directly through
# libsofthsm2.so must share one directory (one softhsm2.conf): SoftHSM reads SOFTHSM2_CONF once per process.
function New-TestSoftHsmToken {
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string] $Label,
        [Parameter(Mandatory)] [string] $Pin,
        [string] $SoPin = '87654321',
        # Generates the daemon's self-test key (ecdsa-p256, CKA_ID "stella-selftest") on the token, as an operator
        # provisions it. Without it the daemon provisions it itself when it connects to the token (audited).
        [switch] $WithSelfTestKey
    )
    $conf = Join-Path $Directory 'softhsm2.conf'
    $tokens = Join-Path $Directory 'tokens'
    New-Item -ItemType Directory -Force -Path $tokens | Out-Null
    if (-not (Test-Path $conf)) {
        "directories.tokendir = $tokens`nobjectstore.backend = file`nlog.level = ERROR`nslots.removable = false`n" | Set-Content -Path $conf -NoNewline
    }
    $saved = $env:SOFTHSM2_CONF
    try {
        $env:SOFTHSM2_CONF = $conf
        $out = & softhsm2-util --init-token --free --label $Label --so-pin $SoPin --pin $Pin 2>&1
        if ($LASTEXITCODE -ne 0) { throw "softhsm2-util --init-token failed ($LASTEXITCODE): $out" }
        if ($WithSelfTestKey) {
            $out = & pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --token-label $Label --login --pin $Pin `
                --keypairgen --key-type EC:prime256v1 --id 7374656c6c612d73656c6674657374 --label stellaops-selftest 2>&1
            if ($LASTEXITCODE -ne 0) { throw "pkcs11-tool --keypairgen failed ($LASTEXITCODE): $out" }
        }
    }
    finally { $env:SOFTHSM2_CONF = $saved }
    [pscustomobject]@{ Label = $Label; Pin = $Pin; SoPin = $SoPin; ConfPath = $conf; Library = '/usr/lib/softhsm/libsofthsm2.so' }
}

# A PIN file the daemon accepts: the PIN alone, readable by its owner only (chmod 600).
function New-TestPinFile {
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Pin)
    Set-Content -Path $Path -Value $Pin -NoNewline
    & chmod 600 $Path
    $Path
}

# Waits until the daemon's HSM status meets a condition (it connects, fails over and back in the background) and
# returns the last status either way: the test asserts on the state itself.
function Wait-TestHsm {
    param([Parameter(Mandatory)] [scriptblock] $Condition, [int] $Seconds = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    do {
        $s = Get-StellaHsm
        if (& $Condition $s) { return $s }
        Start-Sleep -Milliseconds 100
    } while ([DateTime]::UtcNow -lt $deadline)
    $s
}

Export-ModuleMember -Function New-TestSoftHsmToken, Start-TestDaemon, Stop-TestDaemon, Restart-TestDaemon, Get-TestModulePath, Get-TestDaemonPath
Export-ModuleMember -Function New-TestPinFile, Wait-TestHsm

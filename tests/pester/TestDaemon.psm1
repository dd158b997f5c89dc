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

# Real second Unix users for the role tests: the same users and groups tests/StellaOps.Ops.IntegrationTests/UnixAccounts.cs
# creates (idempotently, with groupadd/useradd; needs root). Returns their names.
function Initialize-TestUnixAccounts {
    if ([Environment]::UserName -ne 'root') { throw 'The role tests create Unix users and must run as root (CI does).' }
    foreach ($group in 'stit-readers', 'stit-operators') {
        & getent group $group *> $null
        if ($LASTEXITCODE -ne 0) { & groupadd --system $group; if ($LASTEXITCODE -notin 0, 9) { throw "groupadd $group failed with $LASTEXITCODE" } }
    }
    foreach ($user in @(@('stit-reader', 'stit-readers'), @('stit-operator', 'stit-operators'), @('stit-stranger', $null))) {
        & id -u $user[0] *> $null
        if ($LASTEXITCODE -eq 0) { continue }
        $arguments = @('--system', '--no-create-home', '--shell', '/usr/sbin/nologin')
        if ($user[1]) { $arguments += '--groups', $user[1] }
        & useradd @arguments $user[0]
        # 9: a parallel run created it.
        if ($LASTEXITCODE -notin 0, 9) { throw "useradd $($user[0]) failed with $LASTEXITCODE" }
    }
    [pscustomobject]@{ Reader = 'stit-reader'; Operator = 'stit-operator'; Stranger = 'stit-stranger'; ReadersGroup = 'stit-readers'; OperatorsGroup = 'stit-operators' }
}

# The opsd.json (Start-TestDaemon -Config) of a daemon those users reach: socket 0666 in a 0755 directory, their groups as readers and operators.
function Get-TestMultiUserConfig {
    @{ Ipc = @{ SocketMode = '0666'; DirectoryMode = '0755'; ReaderGroups = @('stit-readers'); OperatorGroups = @('stit-operators') } }
}

# Runs a script in a new pwsh as another Unix user, with the module's path as its first argument, and returns its
# output lines. PowerShell ($PSHOME, hard-linked) and the module (copied) are placed below $Directory, as the test
# users cannot read /root or, in general, the build tree.
function Invoke-TestPwshAs {
    param(
        [Parameter(Mandatory)] [string] $User,
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string] $Script,
        [string[]] $Arguments = @()
    )
    $pwsh = Join-Path $Directory 'pwsh'
    if (-not (Test-Path $pwsh)) {
        & cp -al $PSHOME $pwsh 2>$null
        if ($LASTEXITCODE -ne 0) { Remove-Item -Recurse -Force $pwsh -ErrorAction SilentlyContinue; Copy-Item -Recurse $PSHOME $pwsh }
    }
    $module = Join-Path $Directory 'module'
    if (-not (Test-Path $module)) {
        Copy-Item -Recurse (Split-Path (Get-TestModulePath)) $module
        & chmod -R a+rX $module
    }
    $file = Join-Path $Directory ("script-" + [guid]::NewGuid().ToString('n').Substring(0, 8) + '.ps1')
    Set-Content -Path $file -Value $Script
    & chmod a+r $file
    $saved = $env:HOME
    try {
        $env:HOME = '/tmp'
        & setpriv "--reuid=$User" "--regid=$User" --init-groups -- dotnet (Join-Path $pwsh 'pwsh.dll') -NoProfile -NonInteractive -File $file (Join-Path $module 'StellaOps.psd1') @Arguments 2>&1 | ForEach-Object { "$_" }
    }
    finally { $env:HOME = $saved }
}

# A DSSE envelope made outside the project: a new P-256 key from openssl, the statement's pre-authentication encoding
# written here, signed with 'openssl dgst'. Returns the envelope's path and the key's public PEM path.
function New-TestOpenSslEnvelope {
    param([Parameter(Mandatory)] [string] $Directory, [Parameter(Mandatory)] [string] $Name, [string] $SubjectHex = ('9c' * 32))
    function Invoke-OpenSslStep { $out = & openssl @args 2>&1; if ($LASTEXITCODE -ne 0) { throw "openssl $($args -join ' ') failed: $out" } }
    $key = Join-Path $Directory "$Name.key"
    $public = Join-Path $Directory "$Name-key.pem"
    Invoke-OpenSslStep ecparam -name prime256v1 -genkey -noout -out $key
    Invoke-OpenSslStep ec -in $key -pubout -out $public
    $body = [Text.Encoding]::UTF8.GetBytes((@{ _type = 'https://in-toto.io/Statement/v1'; subject = @(@{ name = "$($Name):artifact"; digest = @{ sha256 = $SubjectHex } }); predicateType = 'https://stellaops.example/test/v1'; predicate = @{} } | ConvertTo-Json -Depth 5 -Compress))
    $type = 'application/vnd.in-toto+json'
    $pae = Join-Path $Directory "$Name.pae"
    [IO.File]::WriteAllBytes($pae, [byte[]]([Text.Encoding]::UTF8.GetBytes("DSSEv1 $($type.Length) $type $($body.Length) ") + $body))
    $signature = Join-Path $Directory "$Name.sig"
    Invoke-OpenSslStep dgst -sha256 -sign $key -out $signature $pae
    $envelope = Join-Path $Directory "$Name-envelope.json"
    @{ payloadType = $type; payload = [Convert]::ToBase64String($body); signatures = @(@{ sig = [Convert]::ToBase64String([IO.File]::ReadAllBytes($signature)) }) } | ConvertTo-Json -Depth 5 | Set-Content $envelope
    [pscustomobject]@{ Envelope = $envelope; PublicKeyPem = $public }
}

Export-ModuleMember -Function New-TestOpenSslEnvelope
Export-ModuleMember -Function New-TestSoftHsmToken, Start-TestDaemon, Stop-TestDaemon, Restart-TestDaemon, Get-TestModulePath, Get-TestDaemonPath
Export-ModuleMember -Function New-TestPinFile, Wait-TestHsm
Export-ModuleMember -Function Initialize-TestUnixAccounts, Get-TestMultiUserConfig, Invoke-TestPwshAs

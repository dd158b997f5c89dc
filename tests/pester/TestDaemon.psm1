# Test helper: a REAL stella-opsd process per test file, on its own socket and state directory. Never a mock.
#   $d = Start-TestDaemon            # starts it, waits until it answers through the module
#   $d = Start-TestDaemon -Config @{ Hsm = @{ ... } }   # the same, with an opsd.json (--config) in its temp folder
#   $t = New-TestSoftHsmToken -Directory $dir -Label primary -Pin 1234   # a real SoftHSM2 token (softhsm2-util)
#   Restart-TestDaemon $d            # SIGTERM, then the same endpoint and state dir again
#   Stop-TestDaemon $d               # SIGTERM (then SIGKILL after 10 s), removes its temp folder
#   $d = Start-TestDaemon -NoNetwork # an air-gapped daemon: its own empty network namespace (unshare --net)
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
    # -NoNetwork: its own empty network namespace (unshare execs the daemon: same process id); the Unix socket is a path, reachable still.
    $psi = if ($Daemon.NoNetwork) { [System.Diagnostics.ProcessStartInfo]::new('unshare') } else { [System.Diagnostics.ProcessStartInfo]::new($Daemon.DaemonPath) }
    if ($Daemon.NoNetwork) { foreach ($a in '--net', '--', $Daemon.DaemonPath) { $psi.ArgumentList.Add($a) } }
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
        [hashtable] $Config,
        # A daemon with no network at all (an air-gapped machine): started in a new network namespace (needs root).
        [switch] $NoNetwork
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
        NoNetwork  = [bool]$NoNetwork
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

# ---------------------------------------------------------------------------------------------------------------
# A trust environment for the end-to-end scenarios (runbook 004): two real test logs (stella-testlog, primary and
# mirror) and a TUF repository made with the project's own tooling (tuf-ceremony init, then the Tuf* cmdlets),
# whose signing_config.v0.2.json target names both logs (primary first) and whose trusted_root.json target lists
# their log keys (rekor-key-v1 is the primary's, mirror-key-v1 the mirror's), published and served on 127.0.0.1.
#   $t = Start-TestTrustEnvironment                       # logs, repository, published, served
#   $d = Start-TestDaemon -Config $t.DaemonConfig         # a daemon that drains its outbox quickly
#   Initialize-TestDaemonTrust $t $d                      # stella trust init on the served repository (and first sync)
#   Invoke-TestTufScript $t './scripts/sign-metadata.sh'  # a runbook line in bash, in the repository, passwords set
#   $t.Publish()                                          # re-sign what changed and publish (in process, fast)
#   Get-TestLogSize $t.Mirror; Set-TestLogFault $t.Primary @{ down = $true }
#   $l = Start-TestLogServer -Directory $dir              # one more log (a new shard with a new key)
#   Stop-TestTrustEnvironment $t                          # logs and file server stopped, folder removed
# ---------------------------------------------------------------------------------------------------------------

function Get-TestLogServerPath {
    $exe = Join-Path $script:RepoRoot 'tests/StellaOps.Ops.TestLogServer/bin/Release/net10.0/stella-testlog'
    if (-not (Test-Path $exe)) { throw "No test log server: build it (dotnet build tests/StellaOps.Ops.TestLogServer -c Release; expected $exe)." }
    $exe
}

# The test support assembly (LoopbackFileServer), bound to the module's own copies of the TUF library and its crypto.
function Import-TestSupportAssembly {
    if ('StellaOps.Ops.TestSupport.Tuf.LoopbackFileServer' -as [type]) { return }
    $moduleDir = Split-Path (Get-TestModulePath)
    Add-Type -Path (Join-Path $moduleDir 'BouncyCastle.Cryptography.dll'), (Join-Path $moduleDir 'StellaOps.Ops.Tuf.dll')
    $support = Join-Path $script:RepoRoot 'tests/StellaOps.Ops.TestSupport/bin/Release/net10.0/StellaOps.Ops.TestSupport.dll'
    if (-not (Test-Path $support)) { throw "No test support assembly: build it (dotnet build tests/StellaOps.Ops.TestSupport -c Release; expected $support)." }
    Add-Type -Path $support
}

# One stella-testlog process (Rekor v1 or v2 and a TSA) on 127.0.0.1, a free port. Returns its URL, API version,
# public key (base64 SPKI and a PEM file), log id (hex, as `stella rekor query --key-id` takes it, and base64) and TSA URL.
function Start-TestLogServer {
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [ValidateSet(1, 2)] [int] $ApiVersion = 1,
        [string] $Name = ('log-' + [guid]::NewGuid().ToString('n').Substring(0, 6)),
        # A given port (0: a free one): a log that comes back at the same URL with a new key (a rotated Rekor key).
        [int] $Port = 0
    )
    New-Item -ItemType Directory -Force -Path $Directory | Out-Null
    $info = Join-Path $Directory "$Name.info.json"
    $logFile = Join-Path $Directory "$Name.log"
    $psi = [System.Diagnostics.ProcessStartInfo]::new((Get-TestLogServerPath))
    foreach ($a in '--api', "$ApiVersion", '--port', "$Port", '--info-file', $info) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $p = [System.Diagnostics.Process]::new()
    $p.StartInfo = $psi
    $handler = { if ($null -ne $EventArgs.Data) { [System.IO.File]::AppendAllText($Event.MessageData, $EventArgs.Data + "`n") } }
    Register-ObjectEvent -InputObject $p -EventName OutputDataReceived -Action $handler -MessageData $logFile | Out-Null
    Register-ObjectEvent -InputObject $p -EventName ErrorDataReceived -Action $handler -MessageData $logFile | Out-Null
    [void]$p.Start()
    $p.BeginOutputReadLine(); $p.BeginErrorReadLine()
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Test-Path $info)) {
        if ($p.HasExited) { throw "stella-testlog exited with $($p.ExitCode) before listening. Output: $(Get-Content -Raw $logFile -ErrorAction SilentlyContinue)" }
        if ([DateTime]::UtcNow -gt $deadline) { $p.Kill($true); throw "stella-testlog did not listen within 30 s. Output: $(Get-Content -Raw $logFile -ErrorAction SilentlyContinue)" }
        Start-Sleep -Milliseconds 100
    }
    $i = Get-Content -Raw $info | ConvertFrom-Json
    $pem = Join-Path $Directory "$Name.pub"
    $b64 = $i.publicKey
    $lines = for ($o = 0; $o -lt $b64.Length; $o += 64) { $b64.Substring($o, [Math]::Min(64, $b64.Length - $o)) }
    Set-Content -Path $pem -Value ("-----BEGIN PUBLIC KEY-----`n" + ($lines -join "`n") + "`n-----END PUBLIC KEY-----`n") -NoNewline
    [pscustomobject]@{
        Name          = $Name
        Url           = $i.url.TrimEnd('/')
        ApiVersion    = [int]$i.apiVersion
        PublicKey     = $b64
        PublicKeyPem  = $pem
        LogId         = $i.logId
        LogIdBase64   = [Convert]::ToBase64String([Convert]::FromHexString($i.logId))
        TsaUrl        = $i.tsaUrl
        Process       = $p
    }
}

# How many entries the log holds (its /_test/info): which log received the submissions.
function Get-TestLogSize {
    param([Parameter(Mandatory)] $Log)
    [int](Invoke-RestMethod -NoProxy -Uri "$($Log.Url)/_test/info").size
}

# Faults of the log's control API: @{ down = $true }, @{ failNext = 3; failStatus = 503 }, @{ clear = $true } ...
function Set-TestLogFault {
    param([Parameter(Mandatory)] $Log, [Parameter(Mandatory)] [hashtable] $Fault)
    Invoke-RestMethod -NoProxy -Method Post -Uri "$($Log.Url)/_test/faults" -ContentType 'application/json' -Body ($Fault | ConvertTo-Json -Compress) | Out-Null
}

function Stop-TestLogServer {
    param($Log)
    if (-not $Log -or -not $Log.Process -or $Log.Process.HasExited) { return }
    & kill -TERM $Log.Process.Id 2>$null
    if (-not $Log.Process.WaitForExit(10000)) { $Log.Process.Kill($true); $Log.Process.WaitForExit(5000) | Out-Null }
}

# A trusted root listing one test log's key and a signing config naming that log (no TUF repository): the files a
# daemon reads with Trust:TrustedRootFile and Trust:SigningConfigFile. -Log takes Start-TestLogServer's object or a
# log's info file (url, publicKey, logId hex, apiVersion). Returns @{ TrustedRootFile; SigningConfigFile }.
function New-TestLogTrustFiles {
    param([Parameter(Mandatory)] $Log, [Parameter(Mandatory)] [string] $Directory)
    # Property names are case-insensitive: the server object's Url and the info file's url are one.
    $url = "$($Log.Url)".TrimEnd('/')
    $version = [int]($Log.ApiVersion ?? 1)
    $start = [DateTime]::UtcNow.AddDays(-1).ToString('yyyy-MM-ddTHH:mm:ssZ')
    $files = @{ TrustedRootFile = Join-Path $Directory 'trusted_root.json'; SigningConfigFile = Join-Path $Directory 'signing_config.json' }
    @{
        mediaType              = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1'
        tlogs                  = @(@{
                baseUrl       = $url
                hashAlgorithm = 'SHA2_256'
                publicKey     = @{ rawBytes = $Log.PublicKey; keyDetails = 'PKIX_ECDSA_P256_SHA_256'; validFor = @{ start = $start } }
                logId         = @{ keyId = [Convert]::ToBase64String([Convert]::FromHexString($Log.LogId)) }
            })
        certificateAuthorities = @()
        ctlogs                 = @()
        timestampAuthorities   = @()
    } | ConvertTo-Json -Depth 8 | Set-Content -Path $files.TrustedRootFile -Encoding utf8
    @{
        mediaType       = 'application/vnd.dev.sigstore.signingconfig.v0.2+json'
        caUrls          = @()
        oidcUrls        = @()
        rekorTlogUrls   = @(@{ url = $url; majorApiVersion = $version; validFor = @{ start = $start }; operator = 'test' })
        rekorTlogConfig = @{ selector = 'ANY' }
        tsaUrls         = @()
        tsaConfig       = @{ selector = 'ANY' }
    } | ConvertTo-Json -Depth 8 | Set-Content -Path $files.SigningConfigFile -Encoding utf8
    $files
}

# The opsd.json of a daemon for the scenarios: one retry, a breaker that opens after two failures and stays open
# until reset (the tests close it with stella trust reset-circuits), a drain that looks every 100 ms.
function Get-TestTransparencyConfig {
    @{ Transparency = @{ RetryAttempts = 1; RetryDelayMilliseconds = 10; BreakerMinimumThroughput = 2; BreakSeconds = 600; PollMilliseconds = 100 } }
}

function Start-TestTrustEnvironment {
    [CmdletBinding()]
    param(
        [ValidateRange(1, 9)] [int] $Threshold = 2,
        [ValidateRange(1, 9)] [int] $Keys = 3,
        [ValidateSet(1, 2)] [int] $PrimaryApiVersion = 1,
        [ValidateSet(1, 2)] [int] $MirrorApiVersion = 1
    )
    if (-not (Get-Command Initialize-StellaTufRepository -ErrorAction SilentlyContinue)) { Import-Module (Get-TestModulePath) -Force -Global }
    Import-TestSupportAssembly
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("ste-" + [guid]::NewGuid().ToString('n').Substring(0, 10))
    $repo = Join-Path $root 'tuf'
    $secrets = Join-Path $root 'secrets'
    New-Item -ItemType Directory -Force -Path $repo, $secrets | Out-Null
    & chmod 700 $secrets
    $rootPasswordFile = New-TestPinFile -Path (Join-Path $secrets 'root-password') -Pin ('root-' + [guid]::NewGuid().ToString('n'))
    $onlinePasswordFile = New-TestPinFile -Path (Join-Path $secrets 'online-password') -Pin ('online-' + [guid]::NewGuid().ToString('n'))
    $t = [pscustomobject]@{
        Root               = $root
        Repo               = $repo
        PublishDirectory   = Join-Path $repo 'publish'
        Scripts            = (Resolve-Path (Join-Path $script:RepoRoot 'scripts')).ProviderPath
        RootPasswordFile   = $rootPasswordFile
        OnlinePasswordFile = $onlinePasswordFile
        Primary            = $null
        Mirror             = $null
        Logs               = @()
        Server             = $null
        BaseUrl            = $null
        TufUrl             = $null
        TargetsUrl         = $null
        RootFile           = Join-Path $repo 'metadata/1.root.json'
        DaemonConfig       = Get-TestTransparencyConfig
    }
    try {
        $t.Primary = Start-TestLogServer -Directory (Join-Path $root 'logs') -ApiVersion $PrimaryApiVersion -Name primary
        $t.Logs = @($t.Primary)
        $t.Mirror = Start-TestLogServer -Directory (Join-Path $root 'logs') -ApiVersion $MirrorApiVersion -Name mirror
        $t.Logs = @($t.Primary, $t.Mirror)

        # The ceremony as the runbook runs it (the script also installs scripts/sign-metadata.sh and scripts/publish.sh in the repository).
        $r = Invoke-TestTufScript $t "tuf-ceremony init --threshold $Threshold --keys $Keys --algorithm ed25519 --repo '$repo' --rekor-url '$($t.Primary.Url)' --kdf-iterations 10000 --password-file '$rootPasswordFile' --online-password-file '$onlinePasswordFile'"
        if ($r.ExitCode -ne 0) { throw "tuf-ceremony init failed ($($r.ExitCode)): $($r.Text)" }

        # The log keys through the tooling (the names the runbook's remove-old takes), then the signing config naming
        # both logs in failover order: the primary has the newest start, each its own operator (the spec's selection).
        $pw = @{ Repo = $repo; OnlinePasswordFile = $onlinePasswordFile; ErrorAction = 'Stop'; WarningAction = 'SilentlyContinue' }
        Add-StellaTufRekorKey @pw -PublicKey $t.Primary.PublicKeyPem -Name rekor-key-v1 -Url $t.Primary.Url | Out-Null
        Add-StellaTufRekorKey @pw -PublicKey $t.Mirror.PublicKeyPem -Name mirror-key-v1 -Url $t.Mirror.Url | Out-Null
        $start = [DateTimeOffset]::UtcNow.AddHours(-1)
        $config = [ordered]@{
            mediaType       = 'application/vnd.dev.sigstore.signingconfig.v0.2+json'
            caUrls          = @()
            oidcUrls        = @()
            rekorTlogUrls   = @(
                [ordered]@{ url = $t.Primary.Url; majorApiVersion = $t.Primary.ApiVersion; validFor = @{ start = $start.ToString("yyyy-MM-ddTHH:mm:ssZ") }; operator = 'primary.test' },
                [ordered]@{ url = $t.Mirror.Url; majorApiVersion = $t.Mirror.ApiVersion; validFor = @{ start = $start.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ") }; operator = 'mirror.test' })
            rekorTlogConfig = @{ selector = 'ANY' }
            tsaUrls         = @()
        }
        Set-Content -Path (Join-Path $repo 'content/signing_config.v0.2.json') -Value ($config | ConvertTo-Json -Depth 6) -Encoding utf8NoBOM
        $publish = {
            $p = @{ Repo = $this.Repo; OnlinePasswordFile = $this.OnlinePasswordFile; PasswordFile = $this.RootPasswordFile; ErrorAction = 'Stop'; WarningAction = 'SilentlyContinue' }
            Update-StellaTufMetadata @p | Out-Null
            Publish-StellaTufRepository -Repo $this.Repo -ErrorAction Stop -WarningAction SilentlyContinue
        }
        $t | Add-Member -MemberType ScriptMethod -Name Publish -Value $publish
        $t.Publish() | Out-Null

        $t.Server = [StellaOps.Ops.TestSupport.Tuf.LoopbackFileServer]::new($t.PublishDirectory)
        $t.BaseUrl = $t.Server.BaseUrl
        $t.TufUrl = $t.Server.BaseUrl + 'metadata/'
        $t.TargetsUrl = $t.Server.BaseUrl + 'targets/'
        $t
    }
    catch {
        Stop-TestTrustEnvironment $t
        throw
    }
}

# stella trust init on the environment's repository (with its first root), and the first sync.
function Initialize-TestDaemonTrust {
    param([Parameter(Mandatory)] $Environment, [Parameter(Mandatory)] $Daemon)
    Initialize-StellaTrust -Endpoint $Daemon.Endpoint -TufUrl $Environment.TufUrl -TargetsUrl $Environment.TargetsUrl -Root $Environment.RootFile -ErrorAction Stop
}

# Runs a line in bash in the repository (or -In), as the runbook does on the repository admin system: the project's
# scripts/ on PATH and as ./devops/scripts, the module the scripts import, the passwords from the environment's files.
function Invoke-TestTufScript {
    param(
        [Parameter(Mandatory)] $Environment,
        [Parameter(Mandatory)] [string] $Line,
        [string] $In = $Environment.Repo,
        # More environment variables for this line only (e.g. STELLAOPS_ENDPOINT of the daemon a script talks to).
        [hashtable] $Variables = @{}
    )
    $devops = Join-Path $In 'devops'
    if (-not (Test-Path (Join-Path $devops 'scripts'))) {
        New-Item -ItemType Directory -Force $devops | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $devops 'scripts') -Target $Environment.Scripts | Out-Null
    }
    $saved = @{ PATH = $env:PATH; STELLAOPS_MODULE = $env:STELLAOPS_MODULE; STELLA_TUF_ONLINE_PASSWORD_FILE = $env:STELLA_TUF_ONLINE_PASSWORD_FILE; STELLA_TUF_ROOT_PASSWORD = $env:STELLA_TUF_ROOT_PASSWORD }
    foreach ($k in $Variables.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k) }
    try {
        foreach ($k in $Variables.Keys) { Set-Item "Env:$k" $Variables[$k] }
        # The wrappers take an installed pwsh before `dotnet pwsh`: this PowerShell's own, when none is installed (a quarter less start-up per line).
        $shim = Join-Path $Environment.Root 'bin'
        if (-not (Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue) -and (Test-Path (Join-Path $PSHOME 'pwsh')) -and -not (Test-Path $shim)) {
            New-Item -ItemType Directory -Force $shim | Out-Null
            New-Item -ItemType SymbolicLink -Path (Join-Path $shim 'pwsh') -Target (Join-Path $PSHOME 'pwsh') | Out-Null
        }
        $env:PATH = "$($Environment.Scripts)$([IO.Path]::PathSeparator)$(if (Test-Path $shim) { "$shim$([IO.Path]::PathSeparator)" })$env:PATH"
        $env:STELLAOPS_MODULE = Get-TestModulePath
        $env:STELLA_TUF_ONLINE_PASSWORD_FILE = $Environment.OnlinePasswordFile
        $env:STELLA_TUF_ROOT_PASSWORD = (Get-Content -Raw $Environment.RootPasswordFile)
        $out = & bash -c "cd '$In' && $Line" 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out | Out-String) }
    }
    finally {
        foreach ($k in $saved.Keys) { if ($null -eq $saved[$k]) { Remove-Item "Env:$k" -ErrorAction SilentlyContinue } else { Set-Item "Env:$k" $saved[$k] } }
    }
}

function Stop-TestTrustEnvironment {
    param($Environment)
    if (-not $Environment) { return }
    if ($Environment.Server) { $Environment.Server.Dispose() }
    foreach ($log in @($Environment.Logs)) { Stop-TestLogServer $log }
    Remove-Item -Recurse -Force $Environment.Root -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function Start-TestTrustEnvironment, Stop-TestTrustEnvironment, Initialize-TestDaemonTrust, Invoke-TestTufScript, Get-TestTransparencyConfig
Export-ModuleMember -Function Start-TestLogServer, Stop-TestLogServer, Get-TestLogSize, Set-TestLogFault, New-TestLogTrustFiles

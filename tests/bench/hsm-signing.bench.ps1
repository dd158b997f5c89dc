#Requires -Version 7.4
<#
.SYNOPSIS
    Issue #3 benchmark: ECDSA P-256 signing with a SoftHSM2 token key, direct (Pkcs11Interop in one process) against
    through the daemon (Invoke-StellaSign → socket → stella-opsd → SoftHSM2), same token, same machine, same run.
.DESCRIPTION
    Direct: tests/StellaOps.Ops.HsmBench, 1 and 2 threads, each with its own session, C_Sign(CKM_ECDSA) over SHA-256
    digests. Daemon: $Count digests piped through Invoke-StellaSign (batched) by 1 and by 2 client pwsh processes at
    once; and the latency of single unbatched calls (one digest per Invoke-StellaSign), p50/p99.
    Target: daemon/direct ≥ 0.8 for batched signing. Reported, never asserted. Results: out/bench/hsm-signing.json
    (and $env:STELLAOPS_BENCH_RESULTS when set).
#>
[CmdletBinding()]
param(
    [double] $Seconds = 5,
    [int] $Count = 40000,
    [int] $LatencyIterations = 2000,
    [int] $PoolSize = 4
)
$ErrorActionPreference = 'Stop'
$daemon = $env:STELLAOPS_DAEMON_PATH
$module = $env:STELLAOPS_MODULE_PATH
$repo = if ($env:STELLAOPS_REPO_ROOT) { $env:STELLAOPS_REPO_ROOT } else { (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path }
if (-not $daemon -or -not (Test-Path $daemon)) { throw "Set STELLAOPS_DAEMON_PATH to the built stella-opsd (build.ps1 bench does)." }
if (-not $module -or -not (Test-Path $module)) { throw "Set STELLAOPS_MODULE_PATH to the built StellaOps.psd1 (build.ps1 bench does)." }
$direct = @('Release', 'Debug') | ForEach-Object { Join-Path $repo "tests/StellaOps.Ops.HsmBench/bin/$_/net10.0/StellaOps.Ops.HsmBench.dll" } | Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $direct) { throw 'Build tests/StellaOps.Ops.HsmBench first (build.ps1 build does).' }
$softhsm = '/usr/lib/softhsm/libsofthsm2.so'
$pwsh = Join-Path $PSHOME 'pwsh.dll'

function Get-Percentile([double[]] $Sorted, [double] $P) { $Sorted[[math]::Min($Sorted.Length - 1, [int][math]::Floor($P * $Sorted.Length))] }

# Runs client scripts in N fresh pwsh processes at once, released together; returns their JSON outputs.
function Invoke-Clients([int] $N, [string] $Script, [string[]] $Arguments) {
    $file = Join-Path $root "client-$N.ps1"
    Set-Content -Path $file -Value $Script
    $go = Join-Path $root "go-$N"
    $procs = foreach ($i in 1..$N) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($pwsh, '-NoProfile', '-NonInteractive', '-File', $file, $module, $endpoint, $go, $i) + $Arguments) { $psi.ArgumentList.Add([string]$a) }
        $psi.RedirectStandardOutput = $true
        [System.Diagnostics.Process]::Start($psi)
    }
    Start-Sleep -Seconds 3 # all clients have imported the module, connected and warmed up; then start together
    Set-Content -Path $go -Value 'go'
    foreach ($p in $procs) {
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        if ($p.ExitCode -ne 0) { throw "client failed ($($p.ExitCode)): $out" }
        ($out -split "`n" | Where-Object { $_ -like '{*' } | Select-Object -Last 1) | ConvertFrom-Json
    }
    Remove-Item $go
}

$root = Join-Path ([System.IO.Path]::GetTempPath()) ("stellaops-hsmbench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory (Join-Path $root 'tokens') | Out-Null
$daemonProcess = $null
try {
    # One SoftHSM2 token for both paths; the direct path gets its own P-256 key made by pkcs11-tool.
    $conf = Join-Path $root 'softhsm2.conf'
    "directories.tokendir = $(Join-Path $root 'tokens')`nobjectstore.backend = file`nlog.level = ERROR`n" | Set-Content $conf
    $env:SOFTHSM2_CONF = $conf
    $label = 'bench'; $pin = '123456'
    $null = & softhsm2-util --init-token --free --label $label --so-pin 654321 --pin $pin
    $null = & pkcs11-tool --module $softhsm --token-label $label --login --pin $pin --keypairgen --key-type EC:prime256v1 --id 0b0b --label direct 2>&1
    if ($LASTEXITCODE) { throw 'pkcs11-tool could not generate the direct key' }

    $directRuns = foreach ($t in 1, 2) {
        $line = & dotnet $direct $softhsm $label $pin 0b0b $t $Seconds
        if ($LASTEXITCODE) { throw "direct bench failed: $line" }
        $line | ConvertFrom-Json
    }

    # The daemon on the same token.
    $endpoint = Join-Path $root 'run/opsd.sock'
    $pinFile = Join-Path $root 'pin'
    Set-Content -Path $pinFile -Value $pin -NoNewline
    chmod 600 $pinFile
    $config = Join-Path $root 'opsd.json'
    @{ Hsm = @{ Pkcs11 = @{ LibraryPath = $softhsm }; Primary = @{ LibraryPath = $softhsm; TokenLabel = $label; PinFile = $pinFile; PoolSize = $PoolSize; Environment = @{ SOFTHSM2_CONF = $conf } } } } |
        ConvertTo-Json -Depth 5 | Set-Content $config
    $log = Join-Path $root 'opsd.log'
    # Output to a file: an undrained pipe would stall the daemon once its audit lines fill it.
    $psi = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
    foreach ($a in '-c', 'exec "$0" --endpoint "$1" --state-dir "$2" --config "$3" >"$4" 2>&1', $daemon, $endpoint, (Join-Path $root 'state'), $config, $log) { $psi.ArgumentList.Add($a) }
    $daemonProcess = [System.Diagnostics.Process]::Start($psi)
    Import-Module $module
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($true) {
        try { if ((Get-StellaAttestorStatus -Endpoint $endpoint -ErrorAction Stop)) { break } } catch { }
        if ([DateTime]::UtcNow -gt $deadline) { throw "stella-opsd did not answer in 30 s: $(Get-Content -Raw $log)" }
        Start-Sleep -Milliseconds 200
    }
    $key = New-StellaKey -Endpoint $endpoint -Name bench -Algorithm ecdsa-p256 -Provider Hsm
    $null = Enable-StellaKey -Endpoint $endpoint -Id $key.Id
    $null = Set-StellaConfig -Endpoint $endpoint -Name attest.signing.key_id -Value $key.Id

    $batched = @'
param($Module, $Endpoint, $Go, $Client, $Count)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$digests = foreach ($i in 1..$Count) { 'sha256:' + [Convert]::ToHexStringLower([Security.Cryptography.SHA256]::HashData([BitConverter]::GetBytes($i * 7 + $Client))) }
$null = $digests[0..999] | Invoke-StellaSign -Endpoint $Endpoint   # warm: connection, JIT, HSM sessions
while (-not (Test-Path $Go)) { Start-Sleep -Milliseconds 5 }
$sw = [Diagnostics.Stopwatch]::StartNew()
# Collected, not counted with ForEach-Object: a script block per item would measure pwsh, not signing.
$n = @($digests | Invoke-StellaSign -Endpoint $Endpoint).Count
$s = $sw.Elapsed.TotalSeconds
[pscustomobject]@{ signatures = $n; seconds = $s } | ConvertTo-Json -Compress
'@
    $daemonRuns = foreach ($clients in 1, 2) {
        $r = @(Invoke-Clients $clients $batched @($Count))
        $total = ($r | Measure-Object signatures -Sum).Sum
        if ($total -ne $clients * $Count) { throw "expected $($clients * $Count) signatures, got $total" }
        # Wall time of the run = the slowest client (they start together).
        [pscustomobject]@{ clients = $clients; signatures = $total; seconds = ($r | Measure-Object seconds -Maximum).Maximum; perSecond = $total / ($r | Measure-Object seconds -Maximum).Maximum }
    }

    $single = @'
param($Module, $Endpoint, $Go, $Client, $Iterations)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$d = 'sha256:' + ('ab' * 32)
foreach ($i in 1..200) { $null = Invoke-StellaSign -Digest $d -Endpoint $Endpoint }
while (-not (Test-Path $Go)) { Start-Sleep -Milliseconds 5 }
$samples = [double[]]::new($Iterations)
$sw = [Diagnostics.Stopwatch]::new()
for ($i = 0; $i -lt $Iterations; $i++) {
    $sw.Restart()
    $null = Invoke-StellaSign -Digest $d -Endpoint $Endpoint
    $samples[$i] = $sw.Elapsed.TotalMilliseconds
}
[Array]::Sort($samples)
[pscustomobject]@{ p50 = $samples[[int]($Iterations * 0.5)]; p99 = $samples[[math]::Min($Iterations - 1, [int]($Iterations * 0.99))] } | ConvertTo-Json -Compress
'@
    $latency = @(Invoke-Clients 1 $single @($LatencyIterations))[0]
}
finally {
    if ($daemonProcess -and -not $daemonProcess.HasExited) { $daemonProcess.Kill(); $daemonProcess.WaitForExit() }
    Remove-Item Env:SOFTHSM2_CONF -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

$best = ($directRuns | Measure-Object perSecond -Maximum).Maximum
$rows = @(
    foreach ($d in $directRuns) { [pscustomobject]@{ Path = "direct Pkcs11Interop, $($d.threads) thread(s)"; Signatures = $d.signatures; Seconds = [math]::Round($d.seconds, 2); PerSecond = [int]$d.perSecond; VsDirect = '' } }
    foreach ($d in $daemonRuns) { [pscustomobject]@{ Path = "daemon, Invoke-StellaSign batched, $($d.clients) pwsh client(s)"; Signatures = $d.signatures; Seconds = [math]::Round($d.seconds, 2); PerSecond = [int]$d.perSecond; VsDirect = '{0:N2}' -f ($d.perSecond / $best) } }
)
''
"ECDSA P-256 on SoftHSM2, $([Environment]::ProcessorCount) cores; daemon pool $PoolSize sessions; 'VsDirect' = daemon / best direct ($([int]$best)/s); target ≥ 0.80"
$rows | Format-Table -AutoSize | Out-String -Width 200
'single unbatched call (Invoke-StellaSign -Digest, warm session): p50 {0:N3} ms, p99 {1:N3} ms' -f $latency.p50, $latency.p99

$result = [ordered]@{ benchmark = 'hsm-signing'; cores = [Environment]::ProcessorCount; poolSize = $PoolSize; direct = $directRuns; daemon = $daemonRuns; bestDirectPerSecond = $best
    ratio = [ordered]@{ oneClient = $daemonRuns[0].perSecond / $best; twoClients = $daemonRuns[1].perSecond / $best }; singleCallMs = $latency } | ConvertTo-Json -Depth 5
foreach ($dir in @((Join-Path $repo 'out/bench'), $env:STELLAOPS_BENCH_RESULTS) | Where-Object { $_ }) {
    New-Item -ItemType Directory -Force $dir | Out-Null
    Set-Content -Path (Join-Path $dir 'hsm-signing.json') -Value $result
}

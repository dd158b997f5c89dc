#Requires -Version 7.4
<#
.SYNOPSIS
    Issue #3 benchmark: ECDSA P-256 signing with a SoftHSM2 token key, direct (Pkcs11Interop in one process) against
    through the daemon (Invoke-StellaSign → socket → stella-opsd → SoftHSM2), same token, same machine, same run.
.DESCRIPTION
    Direct: tests/StellaOps.Ops.HsmBench, 1 and 2 threads, each with its own session, C_Sign(CKM_ECDSA) over SHA-256
    digests. Daemon: $Count digests piped through Invoke-StellaSign (batched) by 1 and by 2 client pwsh processes at
    once; and the latency of single unbatched calls (one digest per Invoke-StellaSign), p50/p99.
    Each path also reports CPU time per signature in each process (direct tool; pwsh clients; daemon incl. SoftHSM2):
    on a machine with few cores the throughput of the daemon path is bounded by the sum of those, not by the HSM.
    Target: daemon/direct ≥ 0.8 for batched signing (N clients against N direct threads). Reported, never asserted.
    Results: out/bench/hsm-signing.json (and $env:STELLAOPS_BENCH_RESULTS when set).
#>
[CmdletBinding()]
param(
    [double] $Seconds = 5,
    [int] $Count = 40000,
    [int] $LatencyIterations = 2000,
    [int] $PoolSize = 4
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force
$envInfo = Get-BenchEnvironment
$direct = Get-DirectSigningTool $envInfo.Repo

$root = Join-Path ([System.IO.Path]::GetTempPath()) ("stellaops-hsmbench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $root | Out-Null
$daemon = $null
try {
    # One SoftHSM2 token for both paths; the direct path gets its own P-256 key made by pkcs11-tool.
    $token = New-BenchToken $root
    $directRuns = foreach ($t in 1, 2) { Invoke-DirectSigning $direct $token $t $Seconds }

    $daemon = Start-BenchDaemon $root $token $PoolSize $envInfo.Daemon $envInfo.Module

    $batched = @'
param($Module, $Endpoint, $Go, $Client, [int] $Count)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$digests = foreach ($i in 1..$Count) { 'sha256:' + [Convert]::ToHexStringLower([Security.Cryptography.SHA256]::HashData([BitConverter]::GetBytes($i * 7 + $Client))) }
$null = $digests[0..999] | Invoke-StellaSign -Endpoint $Endpoint   # warm: connection, JIT, HSM sessions
while (-not (Test-Path $Go)) { Start-Sleep -Milliseconds 5 }
$me = [Diagnostics.Process]::GetCurrentProcess()
$cpu = $me.TotalProcessorTime
$sw = [Diagnostics.Stopwatch]::StartNew()
# Collected, not counted with ForEach-Object: a script block per item would measure pwsh, not signing.
$n = @($digests | Invoke-StellaSign -Endpoint $Endpoint).Count
$s = $sw.Elapsed.TotalSeconds
$me.Refresh()
[pscustomobject]@{ signatures = $n; seconds = $s; cpuSeconds = ($me.TotalProcessorTime - $cpu).TotalSeconds } | ConvertTo-Json -Compress
'@
    # A daemon runs for weeks: measure it warm. One unmeasured pass lets tiered compilation settle (a fresh daemon
    # spends a third of its CPU in the JIT for the first seconds of load), then the measured runs.
    $null = Invoke-BenchClients $root 1 $batched $envInfo.Module $daemon.Endpoint @($Count) -WarmSeconds 1
    $daemonRuns = foreach ($clients in 1, 2) {
        $cpu0 = Get-CpuSeconds $daemon.Process.Id
        $r = @(Invoke-BenchClients $root $clients $batched $envInfo.Module $daemon.Endpoint @($Count))
        # The daemon's CPU over the whole client run includes their warm-up (1000 signatures each): subtracted pro rata.
        $daemonCpu = (Get-CpuSeconds $daemon.Process.Id) - $cpu0
        $total = ($r | Measure-Object signatures -Sum).Sum
        if ($total -ne $clients * $Count) { throw "expected $($clients * $Count) signatures, got $total" }
        $wall = ($r | Measure-Object seconds -Maximum).Maximum   # they start together: the run lasts as long as the slowest
        [pscustomobject]@{
            clients = $clients; signatures = $total; seconds = $wall; perSecond = $total / $wall
            clientCpuUsPerSignature = 1e6 * ($r | Measure-Object cpuSeconds -Sum).Sum / $total
            daemonCpuUsPerSignature = 1e6 * $daemonCpu / ($total + 1000 * $clients)
        }
    }

    $single = @'
param($Module, $Endpoint, $Go, $Client, [int] $Iterations)
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
    $latency = @(Invoke-BenchClients $root 1 $single $envInfo.Module $daemon.Endpoint @($LatencyIterations))[0]
}
finally {
    Stop-BenchDaemon $daemon
    Remove-Item Env:SOFTHSM2_CONF -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

$rows = @(
    foreach ($d in $directRuns) { New-DirectRow $d }
    foreach ($d in $daemonRuns) {
        New-DaemonRow "daemon, Invoke-StellaSign batched, $($d.clients) pwsh client(s)" $d $d.signatures $directRuns $d.clientCpuUsPerSignature $d.daemonCpuUsPerSignature
    }
)
''
"ECDSA P-256 on SoftHSM2, $([Environment]::ProcessorCount) cores; daemon pool $PoolSize sessions; 'VsDirect' = daemon with N clients / direct with N threads; target ≥ 0.80"
$rows | Format-Table -AutoSize | Out-String -Width 200
'single unbatched call (Invoke-StellaSign -Digest, warm session): p50 {0:N3} ms, p99 {1:N3} ms' -f $latency.p50, $latency.p99

Save-BenchResult $envInfo.Repo 'hsm-signing' ([ordered]@{
        benchmark = 'hsm-signing'; cores = [Environment]::ProcessorCount; poolSize = $PoolSize; direct = $directRuns; daemon = $daemonRuns
        ratio = [ordered]@{ oneClient = $daemonRuns[0].perSecond / $directRuns[0].perSecond; twoClients = $daemonRuns[1].perSecond / $directRuns[1].perSecond }
        singleCallMs = $latency
    })

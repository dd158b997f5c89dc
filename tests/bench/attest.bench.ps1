#Requires -Version 7.4
<#
.SYNOPSIS
    Issue #4 benchmark: attestations created and signed per second through the module (New-StellaAttestation →
    socket → stella-opsd: evidence committed, statement built, DSSE signed on SoftHSM2), batched, as a ratio to
    direct SoftHSM2 signing (tests/StellaOps.Ops.HsmBench) on the same token in the same run.
.DESCRIPTION
    Batched: $Count distinct subjects (name@sha256:hex) piped into one New-StellaAttestation -Type test by 1 and by 2
    client pwsh processes at once; every result must come back Signed. Evidence is durable before the call returns
    (the daemon commits each batch with synchronous=FULL before it signs); the benchmark checks afterwards that the
    daemon counts every attestation as Signed. Single: the latency of one New-StellaAttestation per distinct subject,
    p50/p99. CPU µs per attestation in the clients and in the daemon (SoftHSM2 included) say where the time goes; the
    daemon's is read from /proc/<pid>/stat when every client has warmed up and again when the last one is done, so it
    is the measured window's alone. $Count is large enough (20,000) that the window is seconds, not one.
    Reported, never asserted. Results: out/bench/attest.json (and $env:STELLAOPS_BENCH_RESULTS when set).
#>
[CmdletBinding()]
param(
    [double] $Seconds = 5,
    [int] $Count = 20000,
    [int] $LatencyIterations = 500,
    [int] $PoolSize = 4
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force
$envInfo = Get-BenchEnvironment
$direct = Get-DirectSigningTool $envInfo.Repo

$root = Join-Path ([System.IO.Path]::GetTempPath()) ("stellaops-attestbench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $root | Out-Null
$daemon = $null
try {
    $token = New-BenchToken $root
    $directRuns = foreach ($t in 1, 2) { Invoke-DirectSigning $direct $token $t $Seconds }
    $daemon = Start-BenchDaemon $root $token $PoolSize $envInfo.Daemon $envInfo.Module

    # Subjects differ per client and per run (the tag), so no create returns an existing attestation.
    $batched = @'
param($Module, $Endpoint, $Go, $Client, [int] $Count, $Tag, $BenchSupport)
$ErrorActionPreference = 'Stop'
Import-Module $Module
Import-Module $BenchSupport
function Subjects($prefix, $n) { foreach ($i in 1..$n) { "$prefix-$i@sha256:" + [Convert]::ToHexStringLower([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes("$prefix-$i"))) } }
# Unmeasured passes as long as the measured one until this process's CPU per attestation stops falling (connection,
# HSM sessions, and its tiered JIT: Invoke-WarmPasses), each of distinct subjects.
$warm = Invoke-WarmPasses -Items $Count -ProcessIds $PID -Pass { Subjects "warm-$Tag-$Client-$($args[0])" $Count | New-StellaAttestation -Type test -Endpoint $Endpoint }
$subjects = @(Subjects "artifact-$Tag-$Client" $Count)
Set-Content -Path "$Go.ready-$Client" -Value 'ready'
while (-not (Test-Path $Go)) { Start-Sleep -Milliseconds 5 }
$me = [Diagnostics.Process]::GetCurrentProcess()
$cpu = $me.TotalProcessorTime
$sw = [Diagnostics.Stopwatch]::StartNew()
$created = @($subjects | New-StellaAttestation -Type test -Endpoint $Endpoint)
$s = $sw.Elapsed.TotalSeconds
$me.Refresh()
$signed = @($created | Where-Object Status -eq 'Signed').Count
[pscustomobject]@{ attestations = $created.Count; signed = $signed; seconds = $s; cpuSeconds = ($me.TotalProcessorTime - $cpu).TotalSeconds; warmed = $warm.Count * $Count; warmCpuUs = @($warm | ForEach-Object { [int]$_ }) } | ConvertTo-Json -Compress
'@
    # A daemon runs for weeks: one unmeasured client run first (its warm passes and its pass, none of it counted), so
    # the daemon's tiered compilation has settled when the measured runs start. Passes as long as a measured one: a
    # method called once per batch (the recording transaction) is promoted only after tens of calls, and a pass of a few
    # batches left it, and the JIT doing it, inside the measured window.
    $benchSupport = Join-Path $PSScriptRoot 'BenchSupport.psm1'
    $warmRun = @(Invoke-BenchClients $root 1 $batched $envInfo.Module $daemon.Endpoint @($Count, 'warm', $benchSupport) -WarmSeconds 300 -WaitReady)
    $made = ($warmRun | ForEach-Object { $_.warmed + $_.attestations } | Measure-Object -Sum).Sum
    $batchedRuns = foreach ($clients in 1, 2) {
        $script:cpu0 = $null
        # The go once the daemon is idle (its JIT of the warm-up done), then its CPU is read: the window is the batches alone.
        $r = @(Invoke-BenchClients $root $clients $batched $envInfo.Module $daemon.Endpoint @($Count, "c$clients", $benchSupport) -WarmSeconds 300 -WaitReady -AtGo {
                $script:settled = Wait-ProcessIdle $daemon.Process.Id
                $script:cpu0 = Get-CpuSeconds $daemon.Process.Id })
        $daemonCpu = (Get-CpuSeconds $daemon.Process.Id) - $script:cpu0
        $total = ($r | Measure-Object attestations -Sum).Sum
        $signed = ($r | Measure-Object signed -Sum).Sum
        if ($total -ne $clients * $Count -or $signed -ne $total) { throw "expected $($clients * $Count) signed attestations, got $total ($signed signed)" }
        $made += ($r | ForEach-Object { $_.warmed + $_.attestations } | Measure-Object -Sum).Sum
        $wall = ($r | Measure-Object seconds -Maximum).Maximum
        [pscustomobject]@{
            clients = $clients; attestations = $total; seconds = $wall; perSecond = $total / $wall
            clientCpuUsPerAttestation = 1e6 * ($r | Measure-Object cpuSeconds -Sum).Sum / $total
            # Read at the go and after the last client: the measured batches only, not the clients' warm-ups.
            daemonCpuUsPerAttestation = 1e6 * $daemonCpu / $total
            daemonSettleSeconds = $script:settled
            clientWarmPassCpuUs = @($r | ForEach-Object { , $_.warmCpuUs })
        }
    }

    # Durable and counted: the daemon's store has every batched attestation of the runs (and the warm-ups) as Signed.
    # (Counted, not listed: a list of this many is over the daemon's answer limit in one call.)
    $stored = (Get-StellaAttestorStatus -Endpoint $daemon.Endpoint).Signed
    $expected = $made   # every client's warm-up passes and measured pass
    if ($stored -lt $expected) { throw "the daemon counts $stored signed attestations; expected at least $expected" }

    $single = @'
param($Module, $Endpoint, $Go, $Client, [int] $Iterations)
$ErrorActionPreference = 'Stop'
Import-Module $Module
function Subject($i) { "single-$i@sha256:" + [Convert]::ToHexStringLower([Security.Cryptography.SHA256]::HashData([BitConverter]::GetBytes($i))) }
foreach ($i in 1..100) { $null = New-StellaAttestation -Type test -Subject (Subject (-$i)) -Endpoint $Endpoint }
$subjects = foreach ($i in 1..$Iterations) { Subject $i }
while (-not (Test-Path $Go)) { Start-Sleep -Milliseconds 5 }
$samples = [double[]]::new($Iterations)
$sw = [Diagnostics.Stopwatch]::new()
for ($i = 0; $i -lt $Iterations; $i++) {
    $sw.Restart()
    $null = New-StellaAttestation -Type test -Subject $subjects[$i] -Endpoint $Endpoint
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
    foreach ($d in $batchedRuns) {
        New-DaemonRow "New-StellaAttestation batched, $($d.clients) pwsh client(s)" $d $d.attestations $directRuns $d.clientCpuUsPerAttestation $d.daemonCpuUsPerAttestation
    }
)
''
"Attestations (type test, ECDSA P-256 on SoftHSM2), $([Environment]::ProcessorCount) cores; daemon pool $PoolSize sessions; 'VsDirect' = attestations/s with N clients / direct signatures/s with N threads"
$rows | Format-Table -AutoSize | Out-String -Width 200
'single create (New-StellaAttestation -Subject, one per call, warm session): p50 {0:N3} ms, p99 {1:N3} ms' -f $latency.p50, $latency.p99
'1 client batched / 1-thread direct signing: {0:N2} (goal >= 0.6); daemon CPU per attestation (/proc/<pid>/stat, before/after): {1:N0} µs with 1 client, {2:N0} µs with 2 (goal <= 120)' -f ($batchedRuns[0].perSecond / $directRuns[0].perSecond), $batchedRuns[0].daemonCpuUsPerAttestation, $batchedRuns[1].daemonCpuUsPerAttestation
# SoftHSM2 is loaded into the daemon (Hsm.Primary.LibraryPath is the module itself, no p11-kit server), so the daemon's
# CPU includes the signature: what the direct run spends per signature is the part no change in the daemon removes.
$signatureUs = 1e6 * $directRuns[0].cpuSeconds / $directRuns[0].signatures
$beyond = foreach ($b in $batchedRuns) { $b.daemonCpuUsPerAttestation - $signatureUs }
'of which the SoftHSM2 signature (direct run, 1 thread): {0:N0} µs; the daemon beyond it: {1:N0} µs with 1 client, {2:N0} µs with 2' -f $signatureUs, $beyond[0], $beyond[1]
'machine load at the end (1-minute average, {0} cores): {1}; before each measured run the daemon settled (idle) in {2:N0} s and {3:N0} s' -f [Environment]::ProcessorCount, $(if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0] } else { 'unknown' }), $batchedRuns[0].daemonSettleSeconds, $batchedRuns[1].daemonSettleSeconds

Save-BenchResult $envInfo.Repo 'attest' ([ordered]@{
        benchmark = 'attest'; cores = [Environment]::ProcessorCount; poolSize = $PoolSize; direct = $directRuns; batched = $batchedRuns
        ratio = [ordered]@{ oneClient = $batchedRuns[0].perSecond / $directRuns[0].perSecond; twoClients = $batchedRuns[1].perSecond / $directRuns[1].perSecond }
        daemonCpuUsPerAttestation = [ordered]@{ oneClient = $batchedRuns[0].daemonCpuUsPerAttestation; twoClients = $batchedRuns[1].daemonCpuUsPerAttestation }
        signatureCpuUs = $signatureUs
        daemonCpuUsBeyondSignature = [ordered]@{ oneClient = $beyond[0]; twoClients = $beyond[1] }
        singleCreateMs = $latency
    })

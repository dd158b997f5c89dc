#Requires -Version 7.4
<#
.SYNOPSIS
    Issue #13 benchmark: transparency-log submissions per second from the daemon's outbox to a local test log
    (tests/StellaOps.Ops.TestLogServer, Rekor v1 and v2), and the time to drain a 10,000-entry outbox after an
    outage (goal < 30 s).
.DESCRIPTION
    Per API version: a test log (stella-testlog) and a daemon (SoftHSM2 signing key) whose signing config names it.
    The log is taken down (its fault switch), $Count attestations are created and signed (each queued in the
    signing transaction; the circuit opens), the log comes back and the operator closes the circuit
    (Reset-StellaTrustCircuit, as the runbook's `stella trust reset-circuits`); timed from there until
    Get-StellaAttestorStatus counts none queued. Every entry is submitted, verified (inclusion proof, signed
    checkpoint, SET for v1) and stored on the way, so the rate is of verified, stored submissions. The log's size
    must equal $Count afterwards (none lost, none twice). Each run also reports the CPU seconds the daemon and the log
    spent in the drain and the load average then: on a machine shared with other work the wall time follows the load,
    the CPU seconds do not. The v2 log integrates every 50 ms (stella-testlog's default checkpoint interval), so its
    rate also says how many submissions the daemon keeps in flight. Reported, never asserted. Results: out/bench/rekor.json
    (and $env:STELLAOPS_BENCH_RESULTS when set).
#>
[CmdletBinding()]
param(
    [int] $Count = 10000,
    [int] $PoolSize = 4,
    # Which Rekor API versions to run (both by default).
    [int[]] $ApiVersion = @(1, 2),
    # The v2 log's checkpoint interval (stella-testlog --checkpoint-interval-ms; its default when 0).
    [int] $CheckpointIntervalMs = 0,
    # The daemon's Transparency:Parallelism (submissions in flight; its default when 0).
    [int] $Parallelism = 0
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force
$envInfo = Get-BenchEnvironment
$configuration = if ($env:STELLAOPS_BENCH_CONFIGURATION) { $env:STELLAOPS_BENCH_CONFIGURATION } else { 'Release' }
$logDll = Join-Path $envInfo.Repo "tests/StellaOps.Ops.TestLogServer/bin/$configuration/net10.0/stella-testlog.dll"
if (-not (Test-Path $logDll)) {
    $project = Join-Path $envInfo.Repo 'tests/StellaOps.Ops.TestLogServer/StellaOps.Ops.TestLogServer.csproj'
    $out = & dotnet build $project -c $configuration -nologo -v:quiet 2>&1
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $logDll)) { throw "could not build $project ($configuration): $($out | Out-String)" }
}

function Start-TestLog([string] $Root, [int] $Api) {
    $info = Join-Path $Root "log-v$Api.json"
    $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
    $arguments = @($logDll, '--api', "$Api", '--info-file', $info)
    if ($CheckpointIntervalMs -gt 0) { $arguments += @('--checkpoint-interval-ms', "$CheckpointIntervalMs") }
    foreach ($a in $arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $process = [Diagnostics.Process]::Start($psi)
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (Test-Path $info)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) { throw "stella-testlog --api $Api did not start" }
        Start-Sleep -Milliseconds 100
    }
    [pscustomobject]@{ Process = $process; Info = (Get-Content -Raw $info | ConvertFrom-Json) }
}

# With $env:STELLAOPS_BENCH_TRACE=perf, the drain window is CPU-sampled in the daemon and the log with Linux perf
# (`perf record -g`; set DOTNET_PerfMapEnabled=1 so managed frames have names): rekor-v<N>-daemon.perf.data and
# rekor-v<N>-log.perf.data beside the results, for `perf report`. Where the time goes, not part of the result.
function Start-Trace([int] $ProcessId, [string] $Name) {
    $dir = if ($env:STELLAOPS_BENCH_RESULTS) { $env:STELLAOPS_BENCH_RESULTS } else { [System.IO.Path]::GetTempPath() }
    $psi = [Diagnostics.ProcessStartInfo]::new('perf')
    foreach ($a in @('record', '-F', '299', '-g', '-p', "$ProcessId", '-o', (Join-Path $dir "$Name.perf.data"))) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $p = [Diagnostics.Process]::Start($psi)
    Start-Sleep -Milliseconds 500
    $p
}

function Stop-Trace($Trace) {
    & kill -INT $Trace.Id
    if (-not $Trace.WaitForExit(60000)) { $Trace.Kill() }
}

function Set-LogDown($Log, [bool] $Down) {
    $null = Invoke-RestMethod -Method Post -Uri ($Log.Info.url + '_test/faults') -ContentType 'application/json' -Body (@{ down = $Down } | ConvertTo-Json)
}

function Write-TrustFiles([string] $Root, $Log) {
    $start = [DateTime]::UtcNow.AddDays(-1).ToString('yyyy-MM-ddTHH:mm:ssZ')
    $rootFile = Join-Path $Root 'trusted_root.json'
    @{
        mediaType = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1'
        tlogs = @(@{ baseUrl = $Log.Info.url.TrimEnd('/'); hashAlgorithm = 'SHA2_256'
                publicKey = @{ rawBytes = $Log.Info.publicKey; keyDetails = 'PKIX_ECDSA_P256_SHA_256'; validFor = @{ start = $start } }
                logId = @{ keyId = [Convert]::ToBase64String([Convert]::FromHexString($Log.Info.logId)) } })
        certificateAuthorities = @(); ctlogs = @(); timestampAuthorities = @()
    } | ConvertTo-Json -Depth 8 | Set-Content $rootFile
    $config = Join-Path $Root 'signing_config.json'
    @{
        mediaType = 'application/vnd.dev.sigstore.signingconfig.v0.2+json'; caUrls = @(); oidcUrls = @()
        rekorTlogUrls = @(@{ url = $Log.Info.url.TrimEnd('/'); majorApiVersion = $Log.Info.apiVersion; validFor = @{ start = $start }; operator = 'bench' })
        rekorTlogConfig = @{ selector = 'ANY' }; tsaUrls = @(); tsaConfig = @{ selector = 'ANY' }
    } | ConvertTo-Json -Depth 8 | Set-Content $config
    @{ TrustedRootFile = $rootFile; SigningConfigFile = $config }
}

$results = foreach ($api in $ApiVersion) {
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("stellaops-rekorbench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $root | Out-Null
    $log = $null
    $daemon = $null
    try {
        $log = Start-TestLog $root $api
        $trust = Write-TrustFiles $root $log
        $token = New-BenchToken $root
        $transparency = @{ PollMilliseconds = 100 }
        if ($Parallelism -gt 0) { $transparency.Parallelism = $Parallelism }
        $daemon = Start-BenchDaemon $root $token $PoolSize $envInfo.Daemon $envInfo.Module @{ Trust = $trust; Transparency = $transparency }
        $endpoint = $daemon.Endpoint

        # The outage: the log is down while $Count attestations are signed and queued.
        Set-LogDown $log $true
        $subjects = foreach ($i in 1..$Count) { "artifact-$i@sha256:" + [Convert]::ToHexStringLower([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes("rekor-$api-$i"))) }
        $created = @($subjects | New-StellaAttestation -Type test -Endpoint $endpoint)
        if (@($created | Where-Object Status -eq 'Signed').Count -ne $Count) { throw "expected $Count signed attestations" }
        $queued = (Get-StellaAttestorStatus -Endpoint $endpoint).Queued
        if ($queued -ne $Count) { throw "expected $Count queued, the outbox holds $queued" }

        # The log returns; the operator closes its circuit: timed until the outbox is empty.
        Set-LogDown $log $false
        $daemonCpu = Get-CpuSeconds $daemon.Process.Id
        $logCpu = Get-CpuSeconds $log.Process.Id
        $traces = if ($env:STELLAOPS_BENCH_TRACE) { @(Start-Trace $daemon.Process.Id "rekor-v$api-daemon"; Start-Trace $log.Process.Id "rekor-v$api-log") } else { @() }
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $null = Reset-StellaTrustCircuit -Endpoint $endpoint -Confirm:$false
        while (($status = Get-StellaAttestorStatus -Endpoint $endpoint).Queued -gt 0) {
            if ($sw.Elapsed.TotalSeconds -gt 600) { throw "the outbox did not drain in 600 s ($($status.Queued) left)" }
            # A status call every 200 ms: often enough for the resolution, rarely enough not to be a load of its own.
            Start-Sleep -Milliseconds 200
        }
        $seconds = $sw.Elapsed.TotalSeconds
        foreach ($t in $traces) { Stop-Trace $t }
        $daemonCpu = (Get-CpuSeconds $daemon.Process.Id) - $daemonCpu
        $logCpu = (Get-CpuSeconds $log.Process.Id) - $logCpu
        $size = (Invoke-RestMethod -Uri ($log.Info.url + '_test/info')).size
        if ($status.Logged -ne $Count -or $size -ne $Count) { throw "after the drain: $($status.Logged) Logged, the log holds $size; expected $Count each" }
        [pscustomobject]@{ apiVersion = $api; entries = $Count; drainSeconds = $seconds; submissionsPerSecond = $Count / $seconds
            daemonCpuSeconds = $daemonCpu; logCpuSeconds = $logCpu; load = (@((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ') | Select-Object -First 3) -join ' ' }
    }
    finally {
        Stop-BenchDaemon $daemon
        if ($daemon -and $env:STELLAOPS_BENCH_RESULTS) { Copy-Item $daemon.Log (Join-Path $env:STELLAOPS_BENCH_RESULTS "rekor-v$api-opsd.log") -ErrorAction SilentlyContinue }
        if ($log -and -not $log.Process.HasExited) { $log.Process.Kill(); $log.Process.WaitForExit() }
        Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
    }
}

$result = [pscustomobject]@{ runs = @($results); drainGoalSeconds = 30 }
Save-BenchResult $envInfo.Repo 'rekor' $result
$results | Format-Table @{ n = 'Rekor'; e = { "v$($_.apiVersion)" } }, @{ n = 'Entries'; e = { $_.entries } }, @{ n = 'Drain s'; e = { '{0:N1}' -f $_.drainSeconds } }, @{ n = 'Submissions/s'; e = { '{0:N0}' -f $_.submissionsPerSecond } }, @{ n = 'Daemon CPU s'; e = { '{0:N1}' -f $_.daemonCpuSeconds } }, @{ n = 'Log CPU s'; e = { '{0:N1}' -f $_.logCpuSeconds } }, @{ n = 'Load'; e = { $_.load } } | Out-String
foreach ($r in $results) {
    'Rekor v{0}: {1:N0} verified, stored submissions per second; a {2:N0}-entry outbox drained {3:N1} s after the outage (goal < 30 s)' -f $r.apiVersion, $r.submissionsPerSecond, $r.entries, $r.drainSeconds
}

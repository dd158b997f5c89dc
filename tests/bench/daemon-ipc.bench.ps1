#Requires -Version 7.4
<#
.SYNOPSIS
    Foundation benchmark: daemon start to ready, idle memory, and the round trip of a read-only cmdlet in a warm session.
.DESCRIPTION
    Targets (issue "Foundation"): p50 under 1 ms, ready under 1 s, idle RSS under 80 MB. Reported, never asserted:
    timing goals live here, not in tests. Writes a JSON result into $env:STELLAOPS_BENCH_RESULTS when set.
#>
[CmdletBinding()]
param(
    [int] $Iterations = 2000,
    [int] $Starts = 5
)
$ErrorActionPreference = 'Stop'
$daemon = $env:STELLAOPS_DAEMON_PATH
$module = $env:STELLAOPS_MODULE_PATH
if (-not $daemon -or -not (Test-Path $daemon)) { throw "Set STELLAOPS_DAEMON_PATH to the built stella-opsd (build.ps1 bench does)." }
if (-not $module -or -not (Test-Path $module)) { throw "Set STELLAOPS_MODULE_PATH to the built StellaOps.psd1 (build.ps1 bench does)." }

function Start-BenchDaemon([string] $Root) {
    $endpoint = Join-Path $Root 'run/opsd.sock'
    $psi = [System.Diagnostics.ProcessStartInfo]::new($daemon)
    foreach ($a in '--endpoint', $endpoint, '--state-dir', (Join-Path $Root 'state')) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $p = [System.Diagnostics.Process]::Start($psi)
    # Ready = a client can connect and complete a request (not merely the socket file appearing).
    while ($true) {
        if ($p.HasExited) { throw "stella-opsd exited: $($p.StandardError.ReadToEnd())" }
        if (Test-Path $endpoint) {
            try {
                $s = [System.Net.Sockets.Socket]::new('Unix', 'Stream', 'Unspecified')
                $s.Connect([System.Net.Sockets.UnixDomainSocketEndPoint]::new($endpoint))
                $s.Dispose()
                break
            } catch { }
        }
        if ($sw.Elapsed.TotalSeconds -gt 30) { throw 'stella-opsd did not become ready in 30 s' }
        Start-Sleep -Milliseconds 2
    }
    [pscustomobject]@{ Process = $p; Endpoint = $endpoint; ReadyMs = $sw.Elapsed.TotalMilliseconds }
}

function Stop-BenchDaemon($d) {
    $d.Process.Kill()
    $d.Process.WaitForExit()
}

function Get-Percentile([double[]] $Sorted, [double] $P) { $Sorted[[math]::Min($Sorted.Length - 1, [int][math]::Floor($P * $Sorted.Length))] }

$root = Join-Path ([System.IO.Path]::GetTempPath()) ("stellaops-bench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $root | Out-Null
try {
    # Start to ready, over several cold starts on fresh state directories (migrations included).
    $ready = foreach ($i in 1..$Starts) {
        $d = Start-BenchDaemon (Join-Path $root "start$i")
        $d.ReadyMs
        Stop-BenchDaemon $d
    }

    $d = Start-BenchDaemon (Join-Path $root 'warm')
    Import-Module $module
    # Warm the session: the first call connects, handshakes and JITs.
    $null = Get-StellaConfig -Name hsm.session.timeout -Endpoint $d.Endpoint
    foreach ($i in 1..200) { $null = Get-StellaConfig -Name hsm.session.timeout -Endpoint $d.Endpoint }
    $samples = [double[]]::new($Iterations)
    $sw = [System.Diagnostics.Stopwatch]::new()
    for ($i = 0; $i -lt $Iterations; $i++) {
        $sw.Restart()
        $null = Get-StellaConfig -Name hsm.session.timeout -Endpoint $d.Endpoint
        $samples[$i] = $sw.Elapsed.TotalMilliseconds
    }
    [Array]::Sort($samples)

    Start-Sleep -Seconds 3 # idle
    $rssLine = Get-Content "/proc/$($d.Process.Id)/status" | Where-Object { $_ -like 'VmRSS:*' } | Select-Object -First 1
    $rssKb = [int]($rssLine -replace '\D', '')
    Stop-BenchDaemon $d

    # Module import in a fresh process, after the session formatted its first output: PowerShell's own format
    # machinery costs 70-90 ms the first time in any process, whatever modules load, so that is warmed first.
    $q = $module.Replace("'", "''")
    $importScript = "`$null = Get-Item / | Out-String; `$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$q'; `$sw.Elapsed.TotalMilliseconds"
    $imports = [double[]]@(foreach ($i in 1..5) { [double](& dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $importScript) })
    [Array]::Sort($imports)

    $readySorted = [double[]]@($ready | Sort-Object)
    $result = [ordered]@{
        benchmark       = 'daemon-ipc'
        iterations      = $Iterations
        roundTripP50Ms  = [math]::Round((Get-Percentile $samples 0.50), 3)
        roundTripP99Ms  = [math]::Round((Get-Percentile $samples 0.99), 3)
        readyMedianMs   = [math]::Round((Get-Percentile $readySorted 0.5), 1)
        readyMaxMs      = [math]::Round($readySorted[-1], 1)
        idleRssMb       = [math]::Round($rssKb / 1024, 1)
        importMedianMs  = [math]::Round((Get-Percentile $imports 0.5), 1)
        targets         = 'p50 < 1 ms, ready < 1000 ms, idle RSS < 80 MB, import < 100 ms'
        meetsTargets    = ((Get-Percentile $samples 0.50) -lt 1) -and ((Get-Percentile $readySorted 0.5) -lt 1000) -and ($rssKb / 1024 -lt 80) -and ((Get-Percentile $imports 0.5) -lt 100)
    }
    [pscustomobject]$result | Format-List | Out-String | Write-Output
    if ($env:STELLAOPS_BENCH_RESULTS) {
        $result | ConvertTo-Json | Set-Content (Join-Path $env:STELLAOPS_BENCH_RESULTS 'daemon-ipc.json')
    }
}
finally {
    Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
}

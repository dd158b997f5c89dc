# What the HSM benchmarks (tests/bench/*.bench.ps1) share: a SoftHSM2 token, the direct Pkcs11Interop baseline
# (tests/StellaOps.Ops.HsmBench), a daemon on that token with an active signing key, client pwsh processes started
# together, CPU time per process, percentiles and the result files. A .psm1, so build.ps1 bench (tests/bench/*.ps1)
# does not run it as a benchmark of its own.
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$SoftHsmModule = '/usr/lib/softhsm/libsofthsm2.so'
$TokenPin = '123456'

# The built daemon and module (build.ps1 bench sets the variables) and the repository root.
function Get-BenchEnvironment {
    $daemon = $env:STELLAOPS_DAEMON_PATH
    $module = $env:STELLAOPS_MODULE_PATH
    if (-not $daemon -or -not (Test-Path $daemon)) { throw 'Set STELLAOPS_DAEMON_PATH to the built stella-opsd (build.ps1 bench does).' }
    if (-not $module -or -not (Test-Path $module)) { throw 'Set STELLAOPS_MODULE_PATH to the built StellaOps.psd1 (build.ps1 bench does).' }
    $repo = if ($env:STELLAOPS_REPO_ROOT) { $env:STELLAOPS_REPO_ROOT } else { (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path }
    if (-not (Test-Path $SoftHsmModule)) { throw "SoftHSM2 is not installed ($SoftHsmModule); run 'dotnet pwsh ./build.ps1 bootstrap'." }
    [pscustomobject]@{ Daemon = $daemon; Module = $module; Repo = $repo }
}

# The direct-signing tool of the configuration build.ps1 built (STELLAOPS_BENCH_CONFIGURATION), built here when it is
# missing: a benchmark started on its own from a clean clone still has its baseline.
function Get-DirectSigningTool([string] $Repo) {
    $project = Join-Path $Repo 'tests/StellaOps.Ops.HsmBench/StellaOps.Ops.HsmBench.csproj'
    $configuration = if ($env:STELLAOPS_BENCH_CONFIGURATION) { $env:STELLAOPS_BENCH_CONFIGURATION } else { 'Release' }
    $dll = Join-Path $Repo "tests/StellaOps.Ops.HsmBench/bin/$configuration/net10.0/StellaOps.Ops.HsmBench.dll"
    if (-not (Test-Path $dll)) {
        $out = & dotnet build $project -c $configuration -nologo -v:quiet 2>&1
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path $dll)) { throw "could not build $project ($configuration): $($out | Out-String)" }
    }
    $dll
}

# A fresh SoftHSM2 token under $Root with a P-256 key (CKA_ID 0b0b) for the direct baseline. Sets SOFTHSM2_CONF.
function New-BenchToken([string] $Root, [string] $Label = 'bench') {
    New-Item -ItemType Directory -Force (Join-Path $Root 'tokens') | Out-Null
    $conf = Join-Path $Root 'softhsm2.conf'
    "directories.tokendir = $(Join-Path $Root 'tokens')`nobjectstore.backend = file`nlog.level = ERROR`n" | Set-Content $conf
    $env:SOFTHSM2_CONF = $conf
    $null = & softhsm2-util --init-token --free --label $Label --so-pin 654321 --pin $TokenPin
    if ($LASTEXITCODE) { throw 'softhsm2-util could not initialise the bench token' }
    $null = & pkcs11-tool --module $SoftHsmModule --token-label $Label --login --pin $TokenPin --keypairgen --key-type EC:prime256v1 --id 0b0b --label direct 2>&1
    if ($LASTEXITCODE) { throw 'pkcs11-tool could not generate the direct key' }
    [pscustomobject]@{ Conf = $conf; Label = $Label; Pin = $TokenPin }
}

# Direct C_Sign on the token key for $Seconds with $Threads threads: { threads, signatures, seconds, perSecond, cpuSeconds }.
function Invoke-DirectSigning([string] $Tool, $Token, [int] $Threads, [double] $Seconds) {
    $line = & dotnet $Tool $SoftHsmModule $Token.Label $Token.Pin 0b0b $Threads ([string]::Format([cultureinfo]::InvariantCulture, '{0}', $Seconds))
    if ($LASTEXITCODE) { throw "direct bench failed: $line" }
    $line | ConvertFrom-Json
}

# stella-opsd on the bench token with an active HSM ecdsa-p256 key that is the attestor's signing key.
# $Settings: more opsd.json sections (e.g. Trust and Transparency for the log benchmark).
function Start-BenchDaemon([string] $Root, $Token, [int] $PoolSize, [string] $Daemon, [string] $Module, [hashtable] $Settings = @{}) {
    $endpoint = Join-Path $Root 'run/opsd.sock'
    $pinFile = Join-Path $Root 'pin'
    Set-Content -Path $pinFile -Value $Token.Pin -NoNewline
    chmod 600 $pinFile
    $config = Join-Path $Root 'opsd.json'
    $sections = @{ Hsm = @{ Pkcs11 = @{ LibraryPath = $SoftHsmModule }; Primary = @{ LibraryPath = $SoftHsmModule; TokenLabel = $Token.Label; PinFile = $pinFile; PoolSize = $PoolSize; Environment = @{ SOFTHSM2_CONF = $Token.Conf } } } }
    foreach ($name in $Settings.Keys) { $sections[$name] = $Settings[$name] }
    $sections | ConvertTo-Json -Depth 6 | Set-Content $config
    $log = Join-Path $Root 'opsd.log'
    # Output to a file: an undrained pipe would stall the daemon once its audit lines fill it. exec: the pid is the daemon's.
    $psi = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
    foreach ($a in '-c', 'exec "$0" --endpoint "$1" --state-dir "$2" --config "$3" >"$4" 2>&1', $Daemon, $endpoint, (Join-Path $Root 'state'), $config, $log) { $psi.ArgumentList.Add($a) }
    $process = [System.Diagnostics.Process]::Start($psi)
    Import-Module $Module -Global
    # 120 s: on a machine shared with other work a start takes far longer than on a quiet one. A daemon that did not
    # answer is stopped here, as the caller never gets it to stop.
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    while ($true) {
        try { if ((Get-StellaAttestorStatus -Endpoint $endpoint -ErrorAction Stop)) { break } } catch { }
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            if (-not $process.HasExited) { $process.Kill(); $process.WaitForExit() }
            throw "stella-opsd did not answer in 120 s: $(Get-Content -Raw $log -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 200
    }
    $key = New-StellaKey -Endpoint $endpoint -Name bench -Algorithm ecdsa-p256 -Provider Hsm
    $null = Enable-StellaKey -Endpoint $endpoint -Id $key.Id
    $null = Set-StellaConfig -Endpoint $endpoint -Name attest.signing.key_id -Value $key.Id
    [pscustomobject]@{ Process = $process; Endpoint = $endpoint; Log = $log; KeyId = $key.Id; StateDir = (Join-Path $Root 'state') }
}

function Stop-BenchDaemon($Daemon) {
    if ($Daemon -and -not $Daemon.Process.HasExited) { $Daemon.Process.Kill(); $Daemon.Process.WaitForExit() }
}

# User+system CPU seconds a process has used so far: utime + stime from /proc/<pid>/stat (all its threads, the
# in-process SoftHSM2 included) on Linux, TotalProcessorTime elsewhere.
$script:ClockTicks = $null
function Get-CpuSeconds([int] $ProcessId) {
    $statPath = "/proc/$ProcessId/stat"
    if (Test-Path $statPath) {
        if (-not $script:ClockTicks) { $script:ClockTicks = [double](& getconf CLK_TCK) }
        $stat = [System.IO.File]::ReadAllText($statPath)
        # After "pid (comm) ": field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
        $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
        return ([double]$fields[11] + [double]$fields[12]) / $script:ClockTicks
    }
    $p = [System.Diagnostics.Process]::GetProcessById($ProcessId)
    try { $p.TotalProcessorTime.TotalSeconds } finally { $p.Dispose() }
}

# Waits (at most $MaxSeconds) until the process is idle: less than $IdleCpuSeconds of CPU in a second. After a warm-up
# the daemon's tiered compilation goes on in the background (its own thread, promoting the methods the warm-up made
# hot), for long on a machine shared with other work; a measurement that starts before it is done counts that JIT as
# the cost of what is measured. Returns the seconds waited.
function Wait-ProcessIdle([int] $ProcessId, [double] $MaxSeconds = 90, [double] $IdleCpuSeconds = 0.02) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $last = Get-CpuSeconds $ProcessId
    while ($sw.Elapsed.TotalSeconds -lt $MaxSeconds) {
        Start-Sleep -Seconds 1
        $now = Get-CpuSeconds $ProcessId
        if ($now - $last -lt $IdleCpuSeconds) { break }
        $last = $now
    }
    $sw.Elapsed.TotalSeconds
}

# Runs $Pass (one unmeasured pass of the measured line; given the pass number) until the CPU it costs per item in
# $ProcessIds stops falling: at least $MinPasses, then until a pass costs at least 90% of the one before, at most
# $MaxPasses. Tiered compilation and dynamic PGO promote a line's hot methods over several passes, not one: a pwsh
# client of the verify line spent 214, 124, 132 and 66 us per item in its first four passes, and one of the attest line
# 148, 113, 46 and 32. The in-process loops such a line is compared with count their best round, so the line is measured
# as warm as they are. Each process named is waited for to go idle after each pass (its background JIT). Returns each
# pass's microseconds of CPU per item.
function Invoke-WarmPasses([scriptblock] $Pass, [int] $Items, [int[]] $ProcessIds, [int] $MinPasses = 3, [int] $MaxPasses = 6) {
    $costs = [System.Collections.Generic.List[double]]::new()
    foreach ($n in 1..$MaxPasses) {
        $before = ($ProcessIds | ForEach-Object { Get-CpuSeconds $_ } | Measure-Object -Sum).Sum
        $null = & $Pass $n
        $after = ($ProcessIds | ForEach-Object { Get-CpuSeconds $_ } | Measure-Object -Sum).Sum
        $costs.Add(1e6 * ($after - $before) / $Items)
        foreach ($id in $ProcessIds) { $null = Wait-ProcessIdle $id }
        if ($n -ge $MinPasses -and $costs[$n - 1] -ge 0.9 * $costs[$n - 2]) { break }
    }
    , $costs.ToArray()
}

# Runs $Script in $N fresh pwsh processes, each given (module, endpoint, go-file, client number, @Arguments); once all
# are ready (imported, connected, warmed) they start together. Returns each client's last JSON line as an object.
# The script waits for the go file to exist before it starts measuring. With -WaitReady each client says it is ready
# by creating "<go-file>.ready-<client number>" and the go waits for all of them (at most $WarmSeconds, then it goes
# anyway); without it the go comes after $WarmSeconds. $AtGo runs just before the go (a CPU reading of the daemon, so
# what it reports is the measured window and not the clients' warm-ups).
function Invoke-BenchClients([string] $Root, [int] $N, [string] $Script, [string] $Module, [string] $Endpoint, [object[]] $Arguments = @(), [int] $WarmSeconds = 3,
    [switch] $WaitReady, [scriptblock] $AtGo) {
    $tag = [guid]::NewGuid().ToString('N').Substring(0, 6)
    $file = Join-Path $Root "client-$tag.ps1"
    Set-Content -Path $file -Value $Script
    $go = Join-Path $Root "go-$tag"
    $pwsh = Join-Path $PSHOME 'pwsh.dll'
    $procs = foreach ($i in 1..$N) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($pwsh, '-NoProfile', '-NonInteractive', '-File', $file, $Module, $Endpoint, $go, $i) + $Arguments) { $psi.ArgumentList.Add([string]$a) }
        $psi.RedirectStandardOutput = $true
        [System.Diagnostics.Process]::Start($psi)
    }
    if ($WaitReady) {
        $deadline = [DateTime]::UtcNow.AddSeconds($WarmSeconds)
        while (@(1..$N | Where-Object { -not (Test-Path "$go.ready-$_") }).Count -and [DateTime]::UtcNow -lt $deadline -and -not @($procs | Where-Object HasExited).Count) {
            Start-Sleep -Milliseconds 50
        }
    }
    else { Start-Sleep -Seconds $WarmSeconds }
    if ($AtGo) { & $AtGo }
    Set-Content -Path $go -Value 'go'
    foreach ($p in $procs) {
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        if ($p.ExitCode -ne 0) { throw "client failed ($($p.ExitCode)): $out" }
        ($out -split "`n" | Where-Object { $_ -like '{*' } | Select-Object -Last 1) | ConvertFrom-Json
    }
    Remove-Item $go
    Remove-Item "$go.ready-*" -ErrorAction SilentlyContinue
}

function Get-Percentile([double[]] $Sorted, [double] $P) { $Sorted[[math]::Min($Sorted.Length - 1, [int][math]::Floor($P * $Sorted.Length))] }

# Writes <name>.json into out/bench and STELLAOPS_BENCH_RESULTS (when set).
function Save-BenchResult([string] $Repo, [string] $Name, $Result) {
    $json = $Result | ConvertTo-Json -Depth 6
    foreach ($dir in @((Join-Path $Repo 'out/bench'), $env:STELLAOPS_BENCH_RESULTS) | Where-Object { $_ }) {
        New-Item -ItemType Directory -Force $dir | Out-Null
        Set-Content -Path (Join-Path $dir "$Name.json") -Value $json
    }
}

# One table for every bench: direct signing rows, then rows through the daemon compared with as many direct threads
# as it had clients (the same number of signers competing for the same cores).
function New-DirectRow($Run) {
    [pscustomobject]@{ Path = "direct Pkcs11Interop signatures, $($Run.threads) thread(s)"; Count = $Run.signatures; Seconds = [math]::Round($Run.seconds, 2)
        PerSecond = [int]$Run.perSecond; VsDirect = ''; 'CPU µs/item' = '{0:N0}' -f (1e6 * $Run.cpuSeconds / $Run.signatures) }
}

function New-DaemonRow([string] $Path, $Run, [double] $Count, [object[]] $DirectRuns, [double] $ClientCpuUs, [double] $DaemonCpuUs) {
    $direct = @($DirectRuns | Where-Object threads -eq $Run.clients)[0]
    [pscustomobject]@{ Path = $Path; Count = $Count; Seconds = [math]::Round($Run.seconds, 2); PerSecond = [int]$Run.perSecond
        VsDirect = '{0:N2}' -f ($Run.perSecond / $direct.perSecond)
        'CPU µs/item' = '{0:N0} (client {1:N0} + daemon {2:N0})' -f ($ClientCpuUs + $DaemonCpuUs), $ClientCpuUs, $DaemonCpuUs }
}

Export-ModuleMember -Function Invoke-WarmPasses, New-DirectRow, New-DaemonRow, Get-BenchEnvironment, Get-DirectSigningTool, New-BenchToken, Invoke-DirectSigning, Start-BenchDaemon, Stop-BenchDaemon,
    Get-CpuSeconds, Wait-ProcessIdle, Invoke-BenchClients, Get-Percentile, Save-BenchResult

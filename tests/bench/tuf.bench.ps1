#Requires -Version 7.4
<#
.SYNOPSIS
    Issue #12 benchmark: the TUF client (StellaOps.Ops.Tuf) against tuf-js on the same loopback repository in the
    same run: a no-op refresh (timestamp unchanged, warm cache) and a refresh of a repository with 10,000 targets in
    16 hash-bin delegations (a new client, every bin fetched and verified), each as a ratio to tuf-js (goal <= 0.5).
.DESCRIPTION
    tests/StellaOps.Ops.TufBench builds the repository with the project's model, serves it on 127.0.0.1, times its
    own client in process and runs tests/interop/tuf-js-bench.mjs, which times tuf-js inside node (no process start
    in either). Medians. Reported, never asserted. Results: out/bench/tuf.json (and $env:STELLAOPS_BENCH_RESULTS).
#>
[CmdletBinding()]
param(
    [int] $NoopRounds = 30,
    [int] $FullRounds = 5,
    [int] $Targets = 10000
)
$ErrorActionPreference = 'Stop'
$repo = if ($env:STELLAOPS_REPO_ROOT) { $env:STELLAOPS_REPO_ROOT } else { (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path }
$configuration = if ($env:STELLAOPS_BENCH_CONFIGURATION) { $env:STELLAOPS_BENCH_CONFIGURATION } else { 'Release' }
$project = Join-Path $repo 'tests/StellaOps.Ops.TufBench/StellaOps.Ops.TufBench.csproj'
$dll = Join-Path $repo "tests/StellaOps.Ops.TufBench/bin/$configuration/net10.0/StellaOps.Ops.TufBench.dll"
if (-not (Test-Path $dll)) {
    $out = & dotnet build $project -c $configuration -nologo -v:quiet 2>&1
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $dll)) { throw "could not build $project ($configuration): $($out | Out-String)" }
}
if (-not (Get-Command node -ErrorAction SilentlyContinue)) { throw 'node (Node.js 20+) is not on PATH: the tuf-js baseline cannot run.' }
$interop = Join-Path $repo 'tests/interop'
if (-not (Test-Path (Join-Path $interop 'node_modules/tuf-js'))) { throw "tests/interop/node_modules is missing: run 'dotnet pwsh ./build.ps1 bootstrap'." }

$line = & dotnet $dll $interop $NoopRounds $FullRounds $Targets
if ($LASTEXITCODE) { throw "tuf bench failed: $line" }
$result = $line | Select-Object -Last 1 | ConvertFrom-Json
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force
Save-BenchResult $repo 'tuf' $result
$result | Format-List

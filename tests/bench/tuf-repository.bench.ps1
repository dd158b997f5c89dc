#Requires -Version 7.4
<#
.SYNOPSIS
    Issue #14 benchmark: the repository tooling signing and publishing a repository of 10,000 targets in 16 hash-bin
    delegations (time and peak memory), and adding one target afterwards (one bin re-signed, then published).
.DESCRIPTION
    tests/StellaOps.Ops.TufRepoBench builds each round's repository with StellaOps.Ops.Tuf.Repository (ed25519 keys,
    online keys loaded before timing), then times SignAsync and Publish (the validator included). Medians over the
    rounds; bytes allocated per step and the process's peak working set. Reported, never asserted.
    Results: out/bench/tuf-repository.json (and $env:STELLAOPS_BENCH_RESULTS).
#>
[CmdletBinding()]
param(
    [int] $Rounds = 3,
    [int] $Targets = 10000,
    [int] $Bins = 16
)
$ErrorActionPreference = 'Stop'
$repo = if ($env:STELLAOPS_REPO_ROOT) { $env:STELLAOPS_REPO_ROOT } else { (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path }
$configuration = if ($env:STELLAOPS_BENCH_CONFIGURATION) { $env:STELLAOPS_BENCH_CONFIGURATION } else { 'Release' }
$project = Join-Path $repo 'tests/StellaOps.Ops.TufRepoBench/StellaOps.Ops.TufRepoBench.csproj'
$dll = Join-Path $repo "tests/StellaOps.Ops.TufRepoBench/bin/$configuration/net10.0/StellaOps.Ops.TufRepoBench.dll"
if (-not (Test-Path $dll)) {
    $out = & dotnet build $project -c $configuration -nologo -v:quiet 2>&1
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $dll)) { throw "could not build $project ($configuration): $($out | Out-String)" }
}
$line = & dotnet $dll $Rounds $Targets $Bins
if ($LASTEXITCODE) { throw "tuf-repository bench failed: $line" }
$result = $line | Select-Object -Last 1 | ConvertFrom-Json
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force
Save-BenchResult $repo 'tuf-repository' $result
$result | Format-List

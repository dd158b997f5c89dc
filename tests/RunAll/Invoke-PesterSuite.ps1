<#
.Synopsis
    Runs the Pester suite in this (fresh) process and writes a machine-readable summary.

.Description
    build.ps1's test task starts this script in a new `dotnet pwsh` process, so that the module under
    test, the daemons the tests start and Pester itself never leak into the build session.

    It writes:
      <ResultDirectory>/pester.xml      NUnit XML (for CI tooling)
      <ResultDirectory>/summary.json    counts and failed tests with their first error line

    Exit code: 0 when nothing failed, 1 when a test, block or container failed, 2 when Pester could not run.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultDirectory,
    [string[]] $ExcludeTag = @()
)

$ErrorActionPreference = 'Stop'

function Get-FirstLine([object] $ErrorRecord) {
    if ($null -eq $ErrorRecord) { return '' }
    $message = if ($ErrorRecord.Exception) { $ErrorRecord.Exception.Message } else { "$ErrorRecord" }
    # The first line that says something (a parse error's first line is only its position).
    $line = ($message -split '\r?\n' | Where-Object { $_.Trim() -and $_ -notmatch '^\s*At .+:\d+ char:\d+\s*$' } | Select-Object -First 1)
    if ($null -eq $line) { '' } else { $line.Trim() }
}

try {
    New-Item -ItemType Directory -Force -Path $ResultDirectory | Out-Null
    Import-Module $PesterModule -Force

    $config = New-PesterConfiguration
    $config.Run.Path = $TestPath
    $config.Run.PassThru = $true
    $config.Run.Exit = $false          # the exit code is decided below, after the summary is written
    # The NUnit report is written after the summary (below): a failure message holding a character XML cannot
    # carry (a raw ESC from a terminal-safety test) must cost the report, never the count of what ran.
    $config.TestResult.Enabled = $false
    $config.Output.Verbosity = 'Normal'
    $config.Output.CIFormat = 'None'
    if ([Console]::IsOutputRedirected -or $env:NO_COLOR) { $config.Output.RenderMode = 'Plaintext' }
    if ($ExcludeTag.Count) { $config.Filter.ExcludeTag = $ExcludeTag }

    $result = Invoke-Pester -Configuration $config

    # Pester marks the tests of a block whose BeforeAll failed as failed themselves, so a failed block adds
    # to the count only when none of its tests failed (an AfterAll that threw after they all passed).
    $failedTestBlocks = [System.Collections.Generic.HashSet[object]]::new()
    $failed = [System.Collections.Generic.List[object]]::new()
    foreach ($t in @($result.Failed)) {
        $err = Get-FirstLine @($t.ErrorRecord)[0]
        $b = $t.Block
        while ($b) {
            [void]$failedTestBlocks.Add($b)
            if (-not $err -and @($b.ErrorRecord).Count) { $err = "block '$($b.Name)' failed: $(Get-FirstLine @($b.ErrorRecord)[0])" }
            $b = $b.Parent
        }
        $failed.Add([ordered]@{ name = ($t.ExpandedPath ?? $t.Name); error = $err })
    }
    $extraBlocks = 0
    foreach ($b in @($result.FailedBlocks)) {
        if ($failedTestBlocks.Contains($b)) { continue }
        $extraBlocks++
        $failed.Add([ordered]@{ name = "block: $($b.ExpandedPath ?? $b.Name)"; error = (Get-FirstLine @($b.ErrorRecord)[0]) })
    }
    foreach ($c in @($result.FailedContainers)) {
        $failed.Add([ordered]@{ name = "file: $($c.Item)"; error = (Get-FirstLine @($c.ErrorRecord)[0]) })
    }

    $summary = [ordered]@{
        passed           = [int]$result.PassedCount
        failed           = [int]$result.FailedCount
        skipped          = [int]$result.SkippedCount + [int]$result.NotRunCount
        failedBlocks     = $extraBlocks   # failed blocks none of whose tests failed
        failedContainers = [int]$result.FailedContainersCount
        failures         = $failed
    }
    $summary | ConvertTo-Json -Depth 5 | Set-Content -Encoding utf8 -Path (Join-Path $ResultDirectory 'summary.json')
    try { $result | Export-NUnitReport -Path (Join-Path $ResultDirectory 'pester.xml') }
    catch { Write-Warning "pester.xml not written: $($_.Exception.Message)" }

    if ($summary.failed + $summary.failedBlocks + $summary.failedContainers -gt 0) { exit 1 }
    exit 0
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    exit 2
}

<#
.Synopsis
    StellaOps.Ops build script: bootstrap | build | test | start | bench | package.

.Description
    One entry point. Run it as `dotnet pwsh ./build.ps1 <task>` (after `dotnet tool restore`).
    When started directly it makes sure Invoke-Build and Pester are in .tools/psmodules (a NuGet
    restore, no PowerShell Gallery needed) and then hands over to Invoke-Build, the task engine.

    bootstrap  apt packages (softhsm2, opensc, p11-kit, p11-kit-modules, prometheus for promtool and the dashboard test) when missing, dotnet tool
               restore, Pester + Invoke-Build, npm ci in tests/interop. Quick when nothing is missing.
    build      bootstrap; solution sync; dotnet build (Release); lays out out/StellaOps (module) and
               out/daemon (framework-dependent daemon, apphost stella-opsd). Skipped when no input changed.
    test       build; every xunit project (dotnet test --no-build, TRX), then Pester (tests/pester) in a
               fresh pwsh. Last line: "N passed, N failed, N skipped". Non-zero exit on any failure,
               crash, or when no test ran.
    start      build; starts the daemon on its per-user defaults, waits until it answers, opens an
               interactive pwsh with the module (or, without a terminal, runs `stella attest status`
               and `stella doctor`), then stops the daemon.
    bench      build; runs tests/bench/*.ps1 and tests/*Benchmarks* projects, if any.
    package    build; artifacts/: the module folder, its nupkg (Install-PSResource from a local
               repository), and a daemon tarball with the service files.

.Example
    dotnet tool restore && dotnet pwsh ./build.ps1 test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('bootstrap', 'build', 'test', 'start', 'bench', 'package', 'clean', '.')]
    [string[]] $Tasks = @('build'),

    # Build configuration for dotnet build/test/publish.
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # Rebuild even when the inputs look unchanged.
    [switch] $Force,

    # Extra arguments passed to every benchmark (bench task).
    [string[]] $BenchmarkArgs = @()
)

$PesterVersion = '6.2.0'
$InvokeBuildVersion = '5.14.23'
$AptPackages = @('softhsm2', 'opensc', 'p11-kit', 'p11-kit-modules', 'prometheus', 'dbus')
$Root = $PSScriptRoot
$PSModulesDir = Join-Path $Root '.tools/psmodules'
$PesterPsd1 = Join-Path $PSModulesDir "pester/$PesterVersion/tools/Pester.psd1"
$InvokeBuildPsd1 = Join-Path $PSModulesDir "invoke-build/$InvokeBuildVersion/tools/InvokeBuild.psd1"
$SummaryFile = Join-Path $Root 'TestResults/summary.txt'

# Installs Pester and Invoke-Build from NuGet into .tools/psmodules (git-ignored) when missing.
# A throwaway project outside the repository keeps the repository's central package management out of it.
function Install-PSModulePackages {
    if ((Test-Path $PesterPsd1) -and (Test-Path $InvokeBuildPsd1)) { return }
    $tmp = Join-Path ([System.IO.Path]::GetTempPath()) ("stellaops-psmodules-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $tmp | Out-Null
    try {
        @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Pester" Version="[$PesterVersion]" />
    <PackageDownload Include="Invoke-Build" Version="[$InvokeBuildVersion]" />
  </ItemGroup>
</Project>
"@ | Set-Content -Path (Join-Path $tmp 'psmodules.csproj') -Encoding utf8
        Write-Output "bootstrap: restoring Pester $PesterVersion and Invoke-Build $InvokeBuildVersion into .tools/psmodules"
        $out = & dotnet restore (Join-Path $tmp 'psmodules.csproj') --packages $PSModulesDir -nologo 2>&1
        if ($LASTEXITCODE -ne 0) {
            $out | Write-Output
            throw "dotnet restore of Pester/Invoke-Build failed (exit $LASTEXITCODE): is NuGet reachable?"
        }
    }
    finally {
        Remove-Item -Recurse -Force $tmp -ErrorAction SilentlyContinue
    }
    foreach ($p in $PesterPsd1, $InvokeBuildPsd1) {
        if (-not (Test-Path $p)) { throw "expected $p after the restore; the package layout changed?" }
    }
}

#region Direct invocation: make sure the task engine exists, then run the tasks through it.
if ($MyInvocation.ScriptName -notlike '*Invoke-Build.ps1') {
    $ErrorActionPreference = 'Stop'
    Set-Location $Root
    # No color codes when the output is not a terminal (CI logs, pipes) or NO_COLOR is set.
    if ([Console]::IsOutputRedirected -or $env:NO_COLOR -or $env:CI) { $PSStyle.OutputRendering = 'PlainText' }
    Install-PSModulePackages
    Import-Module $InvokeBuildPsd1

    $runsTests = $Tasks -contains 'test'
    if ($runsTests) { Remove-Item $SummaryFile -Force -ErrorAction SilentlyContinue }
    $env:STELLAOPS_BUILD_WRAPPER = '1'

    $bound = @{} + $PSBoundParameters
    $bound.Remove('Tasks') | Out-Null
    $ok = $true
    try {
        Invoke-Build -Task $Tasks -File $MyInvocation.MyCommand.Path @bound
    }
    catch {
        $ok = $false
        # Invoke-Build has already printed the failing task and its error.
        [Console]::Error.WriteLine("build.ps1: $(($_.Exception.Message -split '\r?\n')[0])")
    }

    if ($runsTests) {
        # The last line of a test run is the plain count line, whatever happened before it.
        $line = if (Test-Path $SummaryFile) { (Get-Content $SummaryFile -Raw).Trim() } else { $ok = $false; '0 passed, 0 failed, 0 skipped' }
        [Console]::Out.WriteLine($line)
    }
    exit ($(if ($ok) { 0 } else { 1 }))
}
#endregion

#region Helpers (used by the tasks below)

$IsInteractive = -not [Console]::IsInputRedirected -and -not [Console]::IsOutputRedirected -and $env:CI -notin @('true', '1')
$DaemonExeName = if ($IsWindows) { 'stella-opsd.exe' } else { 'stella-opsd' }
$OutModule = Join-Path $Root 'out/StellaOps'
$OutDaemon = Join-Path $Root 'out/daemon'
$ResultsDir = Join-Path $Root 'TestResults'
$StateDir = Join-Path $Root '.state'
$SolutionFile = Join-Path $Root 'StellaOps.Ops.sln'

function Get-RelativePath([string] $Path) {
    [System.IO.Path]::GetRelativePath($Root, $Path).Replace('\', '/')
}

# Every project of the solution: <area>/<Project>/<Project>.csproj for the four areas.
function Get-ProjectFiles {
    foreach ($area in 'shared', 'daemon', 'module', 'tests') {
        $dir = Join-Path $Root $area
        if (Test-Path $dir) { Get-ChildItem -Path (Join-Path $dir '*/*.csproj') -File }
    }
}

function Test-IsTestProject([System.IO.FileInfo] $Project) {
    $text = Get-Content -Raw $Project.FullName
    ($text -match '<IsTestProject>\s*true\s*</IsTestProject>') -or
    ($text -match 'Include="Microsoft\.NET\.Test\.Sdk"' -and $text -notmatch '<IsTestProject>\s*false\s*</IsTestProject>')
}

function Get-ModuleProject { Get-ChildItem -Path (Join-Path $Root 'module/*/*.csproj') -File -ErrorAction SilentlyContinue | Select-Object -First 1 }
function Get-DaemonProject { Get-ChildItem -Path (Join-Path $Root 'daemon/*/*.csproj') -File -ErrorAction SilentlyContinue | Select-Object -First 1 }

# Keeps StellaOps.Ops.sln listing exactly the projects that exist (other engineers add projects).
function Sync-Solution {
    if (-not (Test-Path $SolutionFile)) {
        exec { dotnet new sln --format sln --name StellaOps.Ops --output $Root }
    }
    $want = @(Get-ProjectFiles | ForEach-Object { Get-RelativePath $_.FullName } | Sort-Object)
    $slnText = Get-Content -Raw $SolutionFile
    $have = @([regex]::Matches($slnText, 'Project\("\{[^}]+\}"\)\s*=\s*"[^"]*",\s*"([^"]+\.csproj)"') |
        ForEach-Object { $_.Groups[1].Value.Replace('\', '/') } | Sort-Object)
    $add = @($want | Where-Object { $_ -notin $have })
    $remove = @($have | Where-Object { $_ -notin $want })
    if ($remove.Count) { exec { dotnet sln $SolutionFile remove @remove } }
    if ($add.Count) { exec { dotnet sln $SolutionFile add @add } }
}

# A cheap fingerprint of everything a build reads: path, size and time of each source file of each
# project (bin/obj skipped) plus the root build files. Equal fingerprint + outputs present = nothing to do.
function Get-BuildFingerprint {
    $entries = [System.Collections.Generic.List[string]]::new()
    $skip = @('bin', 'obj', 'node_modules', 'TestResults', '.vs')
    function Add-Dir([System.IO.DirectoryInfo] $d) {
        foreach ($f in $d.EnumerateFiles()) { $entries.Add(("{0}|{1}|{2}" -f (Get-RelativePath $f.FullName), $f.Length, $f.LastWriteTimeUtc.Ticks)) }
        foreach ($sub in $d.EnumerateDirectories()) { if ($sub.Name -notin $skip) { Add-Dir $sub } }
    }
    foreach ($p in Get-ProjectFiles) { Add-Dir $p.Directory }
    foreach ($name in 'StellaOps.psd1', 'Directory.Build.props', 'Directory.Build.targets', 'Directory.Packages.props',
        'global.json', 'NuGet.config', 'StellaOps.Ops.sln', 'build.ps1') {
        $f = [System.IO.FileInfo](Join-Path $Root $name)
        if ($f.Exists) { $entries.Add(("{0}|{1}|{2}" -f $name, $f.Length, $f.LastWriteTimeUtc.Ticks)) }
    }
    $entries.Sort([System.StringComparer]::Ordinal)
    $entries.Insert(0, "configuration=$Configuration")
    $bytes = [System.Text.Encoding]::UTF8.GetBytes(($entries -join "`n"))
    [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($bytes))
}

# Starts a process with inherited stdio (its output streams straight to ours), waits with a deadline and
# kills the whole tree on timeout. Returns the exit code, or -1 on timeout.
# -IgnoreInterrupt (interactive children): once the child runs, this process ignores SIGINT until it exits, so a
# Ctrl+C typed into the child's running command interrupts only that command, not this build.
function Invoke-ChildProcess {
    param([string] $FilePath, [string[]] $ArgumentList, [string] $WorkingDirectory = $Root, [int] $TimeoutSeconds = 0, [switch] $IgnoreInterrupt)
    $psi = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) }
    $psi.WorkingDirectory = $WorkingDirectory
    $psi.UseShellExecute = $false
    $ignoring = $false
    if ($IgnoreInterrupt -and -not $IsWindows -and -not ('StellaOpsBuild.Sigint' -as [type])) {
        Add-Type -TypeDefinition @'
namespace StellaOpsBuild {
    using System.Runtime.InteropServices;
    public static class Sigint {
        [DllImport("libc", SetLastError = true)] private static extern int sigaction(int signum, byte[] act, byte[] oldact);
        private static byte[] saved;
        // struct sigaction starts with the handler on Linux and macOS; 512 bytes covers every layout.
        // SIG_IGN is 1; an empty mask and no flags. The saved disposition (the .NET runtime's handler) is put back as it was.
        public static bool Ignore() { var act = new byte[512]; act[0] = 1; saved = new byte[512]; return sigaction(2, act, saved) == 0; }
        public static void Restore() { if (saved != null) { sigaction(2, saved, null); saved = null; } }
    }
}
'@
    }
    $p = [System.Diagnostics.Process]::Start($psi)
    if ($IgnoreInterrupt -and -not $IsWindows) { $ignoring = [StellaOpsBuild.Sigint]::Ignore() }
    try {
        if ($TimeoutSeconds -gt 0) {
            if (-not $p.WaitForExit($TimeoutSeconds * 1000)) {
                print Red "timeout: $FilePath $($ArgumentList -join ' ') ran longer than $TimeoutSeconds s; killing it" | Out-Host
                $p.Kill($true)
                $p.WaitForExit()
                return -1
            }
        }
        $p.WaitForExit()
        return $p.ExitCode
    }
    finally {
        if ($ignoring) { [StellaOpsBuild.Sigint]::Restore() }
        $p.Dispose()
    }
}

function Get-FirstLine([string] $Text) {
    if (-not $Text) { return '' }
    $l = $Text -split '\r?\n' | Where-Object { $_.Trim() } | Select-Object -First 1
    if ($l) { $l.Trim() } else { '' }
}

# Reads a VSTest TRX file: counts by outcome and the failed tests with their first error line.
function Read-TrxFile([string] $Path) {
    [xml] $x = Get-Content -Raw $Path
    $ns = [System.Xml.XmlNamespaceManager]::new($x.NameTable)
    $ns.AddNamespace('t', 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010')
    $r = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0; Outcome = ''; Failures = [System.Collections.Generic.List[object]]::new() }
    $summary = $x.SelectSingleNode('//t:ResultSummary', $ns)
    if ($summary) { $r.Outcome = $summary.GetAttribute('outcome') }
    foreach ($u in $x.SelectNodes('//t:Results/t:UnitTestResult', $ns)) {
        switch ($u.GetAttribute('outcome')) {
            'Passed' { $r.Passed++ }
            { $_ -in 'NotExecuted', 'Inconclusive', 'NotRunnable', 'Pending' } { $r.Skipped++ }
            default {
                $r.Failed++
                $msg = $u.SelectSingleNode('t:Output/t:ErrorInfo/t:Message', $ns)
                $r.Failures.Add([pscustomobject]@{ Name = $u.GetAttribute('testName'); Error = (Get-FirstLine $msg.InnerText) })
            }
        }
    }
    [pscustomobject]$r
}

function Get-DefaultEndpoint {
    if ($env:STELLAOPS_ENDPOINT) { return $env:STELLAOPS_ENDPOINT }
    if ($IsWindows) { return $null }   # a named pipe: readiness is judged by the status call alone
    if ($env:XDG_RUNTIME_DIR -and (Test-Path -PathType Container $env:XDG_RUNTIME_DIR)) {
        return Join-Path $env:XDG_RUNTIME_DIR 'stellaops/opsd.sock'
    }
    Join-Path ([System.IO.Path]::GetTempPath()) "stellaops-$([Environment]::UserName)/opsd.sock"
}

# Sends SIGTERM (or asks Windows to stop), waits, then kills. Uses only .NET calls and Console writes, so it
# still works in a finally block of a pipeline that Ctrl+C is stopping.
function Stop-Daemon([int] $ProcessId, [int] $GraceSeconds = 15) {
    $p = $null
    try { $p = [System.Diagnostics.Process]::GetProcessById($ProcessId) } catch { return }
    try {
        if ($p.HasExited) { return }
        [Console]::Out.WriteLine("start: stopping the daemon (pid $ProcessId)")
        if ($IsWindows) { $p.CloseMainWindow() | Out-Null }
        else { ([System.Diagnostics.Process]::Start('kill', @('-TERM', "$ProcessId"))).WaitForExit() }
        if (-not $p.WaitForExit($GraceSeconds * 1000)) {
            [Console]::Out.WriteLine("start: the daemon did not stop within $GraceSeconds s; killing it")
            $p.Kill($true)
            $p.WaitForExit(5000) | Out-Null
        }
    }
    finally { $p.Dispose() }
}

# Asks the daemon for its attestor status. Output (when it answers): one line saying which key signs, or why none does.
function Test-DaemonAnswers([string] $ModulePsd1) {
    $cmd = "`$ErrorActionPreference='Stop'; Import-Module '$($ModulePsd1.Replace("'", "''"))'; `$s = Get-StellaAttestorStatus; " +
        "if (`$k = `$s.SigningKey) { `$t = if (`$k.Provider -eq 'Hsm') { `"on the HSM token '`$(`$k.Location)'`" } else { 'in software' }; " +
        "`"signing key: `$(`$k.Id) (`$(`$k.Name), `$(`$k.Algorithm)) `$t, `$(`$k.Status.ToString().ToLowerInvariant()), expires `$(`$k.ExpiresAt.ToString('yyyy-MM-dd')); 'stella attest create' signs with it`" } " +
        "else { `"signing key: none: `$(`$s.KeyProblem.Message) `$(`$s.KeyProblem.RecommendedAction)`" }"
    $out = & dotnet pwsh -NoProfile -NonInteractive -Command $cmd 2>&1
    [pscustomobject]@{ Ok = ($LASTEXITCODE -eq 0); Output = ($out | Out-String).Trim() }
}

#endregion

#region Tasks

# Synopsis: apt packages, dotnet tools, Pester/Invoke-Build, npm packages of tests/interop (idempotent).
task bootstrap {
    if ($IsLinux -and (Get-Command dpkg-query -ErrorAction SilentlyContinue)) {
        $status = & dpkg-query -W -f '${Package} ${db:Status-Status}\n' @AptPackages 2>$null
        $installed = @($status | Where-Object { $_ -match '^(\S+) installed$' } | ForEach-Object { ($_ -split ' ')[0] })
        $missing = @($AptPackages | Where-Object { $_ -notin $installed })
        if ($missing.Count) {
            $isRoot = (& id -u) -eq '0'
            $apt = if ($isRoot) { @('env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get') }
            elseif (Get-Command sudo -ErrorAction SilentlyContinue) {
                # Without a terminal sudo must not prompt: -n fails at once when a password would be needed.
                @('sudo') + @(if (-not $IsInteractive) { '-n' }) + @('env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get')
            }
            else {
                throw "bootstrap needs the Debian packages: $($missing -join ' '). Install them as root: apt-get update && apt-get install -y $($missing -join ' ')"
            }
            print Cyan "bootstrap: installing $($missing -join ', ') with apt-get"
            $aptTail = @($apt | Select-Object -Skip 1)
            exec { & $apt[0] @aptTail update -q }
            exec { & $apt[0] @aptTail install -y -q --no-install-recommends @missing }
        }
    }
    elseif ($IsLinux) {
        print Yellow "bootstrap: not a Debian system; make sure these (or their equivalents) are installed: $($AptPackages -join ', ')"
    }
    else {
        print Yellow "bootstrap: on this OS install SoftHSM2 and OpenSC yourself if you need the HSM tests"
    }

    $out = & dotnet tool restore 2>&1
    if ($LASTEXITCODE -ne 0) { $out | Write-Output; throw 'dotnet tool restore failed' }

    Install-PSModulePackages

    $interop = Join-Path $Root 'tests/interop'
    $lock = Join-Path $interop 'package-lock.json'
    if (Test-Path $lock) {
        $stamp = Join-Path $interop 'node_modules/.package-lock.json'
        $mtime = { param($f) [System.IO.File]::GetLastWriteTimeUtc($f) }
        $fresh = [System.IO.File]::Exists($stamp) -and
            ((& $mtime $stamp) -ge (& $mtime $lock)) -and ((& $mtime $stamp) -ge (& $mtime (Join-Path $interop 'package.json')))
        if (-not $fresh) {
            if (Get-Command npm -ErrorAction SilentlyContinue) {
                print Cyan 'bootstrap: npm ci in tests/interop'
                Set-Location $interop
                try { exec { npm ci --no-audit --no-fund } } finally { Set-Location $Root }
            }
            else {
                print Yellow 'bootstrap: npm not found (Node.js 20.17+ needed); the interop checks in tests/interop will not run'
            }
        }
    }
}

# Synopsis: dotnet build (Release) and lay out out/StellaOps (module) and out/daemon.
task build bootstrap, {
    Sync-Solution
    $moduleProject = Get-ModuleProject
    $daemonProject = Get-DaemonProject
    $manifest = Join-Path $Root 'StellaOps.psd1'
    $stamp = Join-Path $Root 'out/.build-fingerprint'

    $fingerprint = Get-BuildFingerprint
    $outputsPresent = (-not $daemonProject -or (Test-Path (Join-Path $OutDaemon $DaemonExeName))) -and
        (-not $moduleProject -or (Test-Path (Join-Path $OutModule "$($moduleProject.BaseName).dll"))) -and
        (-not (Test-Path $manifest) -or (Test-Path (Join-Path $OutModule 'StellaOps.psd1')))
    if (-not $Force -and $outputsPresent -and (Test-Path $stamp) -and (Get-Content -Raw $stamp).Trim() -eq $fingerprint) {
        print Green 'build: up to date (no input changed since the last build; -Force rebuilds)'
        return
    }
    Remove-Item $stamp -Force -ErrorAction SilentlyContinue

    exec { dotnet build $SolutionFile -c $Configuration -nologo -v:minimal }

    if ($moduleProject) {
        Remove-Item -Recurse -Force $OutModule -ErrorAction SilentlyContinue
        exec { dotnet publish $moduleProject.FullName -c $Configuration --no-build -nologo -v:minimal -o $OutModule }
        if (Test-Path $manifest) { Copy-Item $manifest $OutModule -Force }
        else { print Yellow 'build: StellaOps.psd1 is not at the repository root yet; out/StellaOps has no manifest' }
    }
    else { print Yellow 'build: no module project under module/ yet; out/StellaOps not laid out' }

    if ($daemonProject) {
        Remove-Item -Recurse -Force $OutDaemon -ErrorAction SilentlyContinue
        exec { dotnet publish $daemonProject.FullName -c $Configuration --no-build -nologo -v:minimal -o $OutDaemon }
        if (-not (Test-Path (Join-Path $OutDaemon $DaemonExeName))) {
            throw "build: $DaemonExeName not found in out/daemon (is AssemblyName stella-opsd and UseAppHost on?)"
        }
    }
    else { print Yellow 'build: no daemon project under daemon/ yet; out/daemon not laid out' }

    New-Item -ItemType Directory -Force (Split-Path $stamp) | Out-Null
    Set-Content -Path $stamp -Value $fingerprint -NoNewline
}

# Synopsis: every xunit project, then Pester; prints per-suite results and "N passed, N failed, N skipped".
task test build, {
    $env:STELLAOPS_REPO_ROOT = $Root
    $env:STELLAOPS_MODULE_PATH = Join-Path $OutModule 'StellaOps.psd1'
    $env:STELLAOPS_DAEMON_PATH = Join-Path $OutDaemon $DaemonExeName
    print Cyan "test: STELLAOPS_MODULE_PATH=$env:STELLAOPS_MODULE_PATH"
    print Cyan "test: STELLAOPS_DAEMON_PATH=$env:STELLAOPS_DAEMON_PATH"

    $xunitDir = Join-Path $ResultsDir 'xunit'
    $pesterDir = Join-Path $ResultsDir 'pester'
    Remove-Item -Recurse -Force $xunitDir, $pesterDir, $SummaryFile -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force $xunitDir, $pesterDir | Out-Null

    $suites = [System.Collections.Generic.List[object]]::new()
    $failures = [System.Collections.Generic.List[object]]::new()

    $testProjects = @(Get-ProjectFiles | Where-Object { $_.Directory.Parent.Name -eq 'tests' -and (Test-IsTestProject $_) })
    if (-not $testProjects.Count) { print Yellow 'test: no xunit test projects yet' }
    foreach ($proj in $testProjects) {
        $name = $proj.BaseName
        print Cyan "test: dotnet test $name"
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $code = Invoke-ChildProcess -FilePath 'dotnet' -TimeoutSeconds 900 -ArgumentList @(
            'test', $proj.FullName, '-c', $Configuration, '--no-build', '--nologo',
            '--results-directory', $xunitDir, '--logger', "trx;LogFileName=$name.trx",
            '--blame-hang-timeout', '5m', '--blame-hang-dump-type', 'none')
        $sw.Stop()
        $trx = Join-Path $xunitDir "$name.trx"
        $row = [pscustomobject]@{ Suite = $name; Passed = 0; Failed = 0; Skipped = 0; Seconds = [int]$sw.Elapsed.TotalSeconds; Note = '' }
        if (Test-Path $trx) {
            $r = Read-TrxFile $trx
            $row.Passed = $r.Passed; $row.Failed = $r.Failed; $row.Skipped = $r.Skipped
            foreach ($f in $r.Failures) { $failures.Add([pscustomobject]@{ Suite = $name; Name = $f.Name; Error = $f.Error }) }
        }
        if ($code -ne 0 -and $row.Failed -eq 0) {
            # Non-zero exit with no failed test: the run itself crashed, hung or aborted. Count it as one failure.
            $why = if ($code -eq -1) { 'timed out' } elseif (Test-Path $trx) { "test run aborted (exit $code)" } else { "no TRX written (exit $code)" }
            $row.Failed = 1; $row.Note = $why
            $failures.Add([pscustomobject]@{ Suite = $name; Name = '(test run)'; Error = $why })
        }
        $suites.Add($row)
    }

    $pesterTests = @(Get-ChildItem -Path (Join-Path $Root 'tests/pester') -Filter '*.Tests.ps1' -Recurse -File -ErrorAction SilentlyContinue)
    if ($pesterTests.Count) {
        print Cyan "test: Pester ($($pesterTests.Count) files) in a fresh pwsh"
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $code = Invoke-ChildProcess -FilePath 'dotnet' -TimeoutSeconds 900 -ArgumentList @(
            'pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/RunAll/Invoke-PesterSuite.ps1'),
            '-PesterModule', $PesterPsd1, '-TestPath', (Join-Path $Root 'tests/pester'), '-ResultDirectory', $pesterDir)
        $sw.Stop()
        $row = [pscustomobject]@{ Suite = 'pester'; Passed = 0; Failed = 0; Skipped = 0; Seconds = [int]$sw.Elapsed.TotalSeconds; Note = '' }
        $json = Join-Path $pesterDir 'summary.json'
        if (Test-Path $json) {
            $s = Get-Content -Raw $json | ConvertFrom-Json
            $row.Passed = $s.passed; $row.Skipped = $s.skipped
            # A block or file that failed (BeforeAll, discovery) counts as one failure each: its tests never ran.
            $row.Failed = $s.failed + $s.failedBlocks + $s.failedContainers
            foreach ($f in @($s.failures)) { $failures.Add([pscustomobject]@{ Suite = 'pester'; Name = $f.name; Error = $f.error }) }
        }
        if ($code -ne 0 -and $row.Failed -eq 0) {
            $why = if ($code -eq -1) { 'timed out' } else { "Pester did not complete (exit $code)" }
            $row.Failed = 1; $row.Note = $why
            $failures.Add([pscustomobject]@{ Suite = 'pester'; Name = '(test run)'; Error = $why })
        }
        $suites.Add($row)
    }
    else { print Yellow 'test: no Pester tests under tests/pester yet' }

    $passed = ($suites | Measure-Object Passed -Sum).Sum ?? 0
    $failed = ($suites | Measure-Object Failed -Sum).Sum ?? 0
    $skipped = ($suites | Measure-Object Skipped -Sum).Sum ?? 0

    ''
    '{0,-40} {1,7} {2,7} {3,8} {4,6}' -f 'suite', 'passed', 'failed', 'skipped', 'secs'
    foreach ($s in $suites) { ('{0,-40} {1,7} {2,7} {3,8} {4,6}  {5}' -f $s.Suite, $s.Passed, $s.Failed, $s.Skipped, $s.Seconds, $s.Note).TrimEnd() }
    '{0,-40} {1,7} {2,7} {3,8}' -f 'total', $passed, $failed, $skipped
    if ($failures.Count) {
        ''
        'Failed:'
        foreach ($f in $failures) { "  [$($f.Suite)] $($f.Name)"; if ($f.Error) { "      $($f.Error)" } }
    }
    "results: $(Get-RelativePath $ResultsDir)/ (TRX per xunit project, pester/pester.xml)"
    ''

    $line = "$passed passed, $failed failed, $skipped skipped"
    Set-Content -Path $SummaryFile -Value $line
    if (-not $env:STELLAOPS_BUILD_WRAPPER) { $line }   # build.ps1 prints it as the very last line itself

    if ($failed -gt 0) { throw "$failed test(s) failed" }
    if ($passed -eq 0) { throw 'no test ran' }
}

# Synopsis: start the daemon on per-user defaults and open a pwsh with the module (or run status + doctor).
task start build, {
    $daemonExe = Join-Path $OutDaemon $DaemonExeName
    $modulePsd1 = Join-Path $OutModule 'StellaOps.psd1'
    if (-not (Test-Path $daemonExe)) { throw "start: $daemonExe is missing (no daemon project yet?)" }
    if (-not (Test-Path $modulePsd1)) { throw "start: $modulePsd1 is missing (no module project or manifest yet?)" }

    $endpoint = Get-DefaultEndpoint
    $logDir = Join-Path $StateDir 'logs'
    New-Item -ItemType Directory -Force $logDir | Out-Null
    $log = Join-Path $logDir ("opsd-{0:yyyyMMdd-HHmmss}.log" -f (Get-Date))
    $daemonPid = 0
    $signingLine = ''

    if ($endpoint -and (Test-Path $endpoint) -and ($probe = Test-DaemonAnswers $modulePsd1).Ok) {
        print Yellow "start: a daemon already answers at $endpoint; using it (it is left running)"
        $signingLine = $probe.Output
    }
    else {
        $pidFile = Join-Path $StateDir 'opsd.pid'
        Remove-Item $pidFile -Force -ErrorAction SilentlyContinue
        if ($IsWindows) {
            $p = Start-Process -FilePath $daemonExe -PassThru -NoNewWindow -RedirectStandardOutput $log -RedirectStandardError "$log.err"
            $daemonPid = $p.Id
        }
        else {
            # Own session (setsid): the terminal's Ctrl+C in the interactive shell must not reach the daemon.
            # stdin from /dev/null, stdout+stderr appended to the log; the shell records the daemon's pid, then execs it.
            $launcher = if (Get-Command setsid -ErrorAction SilentlyContinue) { @('setsid') } else { @() }
            $launch = @($launcher) + @('/bin/sh', '-c', 'echo $$ > "$1"; exec "$2" </dev/null >>"$3" 2>&1', 'sh', $pidFile, $daemonExe, $log)
            $psi = [System.Diagnostics.ProcessStartInfo]::new($launch[0])
            foreach ($a in $launch[1..($launch.Count - 1)]) { $psi.ArgumentList.Add($a) }
            $psi.UseShellExecute = $false
            $psi.WorkingDirectory = $Root
            ([System.Diagnostics.Process]::Start($psi)).Dispose()
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while (-not (Test-Path $pidFile) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            if (-not (Test-Path $pidFile)) { throw 'start: the daemon launcher did not record a pid' }
            $daemonPid = [int](Get-Content -Raw $pidFile).Trim()
        }
        print Cyan "start: daemon pid $daemonPid, log $log"
        print Cyan "start: waiting for $(if ($endpoint) { $endpoint } else { 'the default pipe' })"
    }

    try {
        if ($daemonPid) {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            $ready = $false; $last = ''
            while (-not $ready -and [DateTime]::UtcNow -lt $deadline) {
                $alive = $true
                try { $alive = -not ([System.Diagnostics.Process]::GetProcessById($daemonPid)).HasExited } catch { $alive = $false }
                if (-not $alive) { break }
                if (-not $endpoint -or (Test-Path $endpoint)) {
                    $probe = Test-DaemonAnswers $modulePsd1
                    $ready = $probe.Ok; $last = $probe.Output
                }
                if (-not $ready) { Start-Sleep -Milliseconds 250 }
            }
            if (-not $ready) {
                print Red "start: the daemon did not become ready$(if (-not $alive) { ' (it exited)' }). Last lines of $log :"
                if (Test-Path $log) { Get-Content $log -Tail 30 }
                if ($last) { "last status attempt: $last" }
                throw 'start: daemon not ready'
            }
            print Green 'start: the daemon answers (Get-StellaAttestorStatus)'
            $signingLine = $last
        }
        # On embedded defaults the daemon provisions a development token with an active signing key: say which.
        if ($signingLine) { print $(if ($signingLine -like 'signing key: none*') { 'Yellow' } else { 'Green' }) "start: $signingLine" }

        $quoted = $modulePsd1.Replace("'", "''")
        if ($IsInteractive) {
            $banner = @"
Import-Module '$quoted'
@'

StellaOps.Ops development session
  daemon:   $(if ($daemonPid) { "pid $daemonPid, log $log" } else { 'an already running daemon' })
  endpoint: $(if ($endpoint) { $endpoint } else { 'default' })
  $signingLine
  try:      stella attest status | stella doctor | stella keys list | Get-Command -Module StellaOps
  'exit' ends this session$(if ($daemonPid) { ' and stops the daemon' }).

'@
"@
            # Inherited terminal. A Ctrl+C typed into the child reaches this process too (same process group): ignore it here.
            $code = Invoke-ChildProcess -FilePath 'dotnet' -ArgumentList @('pwsh', '-NoLogo', '-NoExit', '-Command', $banner) -IgnoreInterrupt
            print Cyan "start: interactive session ended (exit $code)"
        }
        else {
            $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$quoted'; 'PS> stella attest status'; stella attest status | Format-List | Out-String -Width 160; 'PS> stella doctor'; stella doctor | Format-Table -AutoSize | Out-String -Width 160"
            $code = Invoke-ChildProcess -FilePath 'dotnet' -ArgumentList @('pwsh', '-NoProfile', '-NonInteractive', '-Command', $script) -TimeoutSeconds 300
            if ($code -ne 0) { throw "start: 'stella attest status' / 'stella doctor' failed (exit $code); daemon log: $log" }
        }
    }
    finally {
        if ($daemonPid) {
            Stop-Daemon $daemonPid
            [Console]::Out.WriteLine("start: daemon log: $log")
        }
    }
}

# Synopsis: run tests/bench/*.ps1 and tests/*Benchmarks* projects if present (never part of test).
task bench build, {
    $benchDir = Join-Path $ResultsDir 'bench'
    New-Item -ItemType Directory -Force $benchDir | Out-Null
    $env:STELLAOPS_REPO_ROOT = $Root
    $env:STELLAOPS_MODULE_PATH = Join-Path $OutModule 'StellaOps.psd1'
    $env:STELLAOPS_DAEMON_PATH = Join-Path $OutDaemon $DaemonExeName
    $env:STELLAOPS_BENCH_RESULTS = $benchDir
    # Which build of the helper tools (tests/StellaOps.Ops.HsmBench, the direct-signing baseline) the scripts run.
    $env:STELLAOPS_BENCH_CONFIGURATION = $Configuration

    $runs = [System.Collections.Generic.List[object]]::new()
    foreach ($s in @(Get-ChildItem -Path (Join-Path $Root 'tests/bench/*.ps1') -File -ErrorAction SilentlyContinue)) {
        $runs.Add([pscustomobject]@{ Name = "tests/bench/$($s.Name)"; Args = @('pwsh', '-NoProfile', '-NonInteractive', '-File', $s.FullName) + $BenchmarkArgs })
    }
    foreach ($p in @(Get-ProjectFiles | Where-Object { $_.Directory.Parent.Name -eq 'tests' -and $_.BaseName -like '*Benchmark*' })) {
        $runs.Add([pscustomobject]@{ Name = $p.BaseName; Args = @('run', '--project', $p.FullName, '-c', $Configuration, '--no-build', '--') + $BenchmarkArgs })
    }
    if (-not $runs.Count) {
        print Yellow 'bench: no benchmarks yet (tests/bench/*.ps1 or a tests/*Benchmarks project)'
        return
    }
    $results = [System.Collections.Generic.List[object]]::new()
    foreach ($r in $runs) {
        print Cyan "bench: $($r.Name)"
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $code = Invoke-ChildProcess -FilePath 'dotnet' -ArgumentList $r.Args -WorkingDirectory $benchDir -TimeoutSeconds 1800
        $results.Add([pscustomobject]@{ Benchmark = $r.Name; ExitCode = $code; Seconds = [int]$sw.Elapsed.TotalSeconds })
    }
    ''
    '{0,-50} {1,6} {2,8}' -f 'benchmark', 'exit', 'secs'
    foreach ($r in $results) { '{0,-50} {1,6} {2,8}' -f $r.Benchmark, $r.ExitCode, $r.Seconds }
    "bench results and artifacts: $(Get-RelativePath $benchDir)/"
    $bad = @($results | Where-Object ExitCode -ne 0)
    if ($bad.Count) { throw "bench: $($bad.Count) benchmark(s) failed" }
}

# Synopsis: artifacts/: module folder, module nupkg (installable with Install-PSResource), daemon tarball.
task package build, {
    $artifacts = Join-Path $Root 'artifacts'
    $modulePsd1 = Join-Path $OutModule 'StellaOps.psd1'
    if (-not (Test-Path $modulePsd1)) { throw "package: $modulePsd1 is missing (module project and root StellaOps.psd1 needed)" }
    Remove-Item -Recurse -Force $artifacts -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force $artifacts | Out-Null
    $version = (Import-PowerShellDataFile $modulePsd1).ModuleVersion

    # The module folder as it would sit in a PSModulePath entry.
    Copy-Item -Recurse $OutModule (Join-Path $artifacts 'StellaOps')

    # The nupkg. Compress-PSResource (PSResourceGet 1.1+, shipped with pwsh 7.6) packs without touching the
    # user's repository registrations.
    Compress-PSResource -Path $OutModule -DestinationPath $artifacts
    $nupkg = Get-ChildItem -Path $artifacts -Filter 'StellaOps.*.nupkg' | Select-Object -First 1
    if (-not $nupkg) { throw 'package: Compress-PSResource produced no nupkg' }
    print Green "package: $(Get-RelativePath $nupkg.FullName)"

    # Prove an admin can install it from a local folder repository, in a throwaway PSResourceGet home.
    $tmp = Join-Path ([System.IO.Path]::GetTempPath()) ("stellaops-pkgcheck-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Force $tmp | Out-Null
    $saved = @{ XDG_DATA_HOME = $env:XDG_DATA_HOME; LOCALAPPDATA = $env:LOCALAPPDATA }
    try {
        $env:XDG_DATA_HOME = Join-Path $tmp 'data'
        if ($IsWindows) { $env:LOCALAPPDATA = Join-Path $tmp 'data' }
        $check = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name StellaOpsLocal -Uri '$($artifacts.Replace("'", "''"))' -Trusted
Save-PSResource -Name StellaOps -Repository StellaOpsLocal -Path '$($tmp.Replace("'", "''"))' -TrustRepository -SkipDependencyCheck
`$m = Test-ModuleManifest (Join-Path '$($tmp.Replace("'", "''"))' 'StellaOps/$version/StellaOps.psd1')
"installs as `$(`$m.Name) `$(`$m.Version)"
"@
        exec { dotnet pwsh -NoProfile -NonInteractive -Command $check }
    }
    finally {
        $env:XDG_DATA_HOME = $saved.XDG_DATA_HOME; $env:LOCALAPPDATA = $saved.LOCALAPPDATA
        Remove-Item -Recurse -Force $tmp -ErrorAction SilentlyContinue
    }

    # The daemon tarball: the framework-dependent daemon plus what installs it as a service.
    if (Test-Path (Join-Path $OutDaemon $DaemonExeName)) {
        $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
        $name = "stellaops-opsd-$version-$rid"
        $stage = Join-Path $artifacts "stage/$name"
        New-Item -ItemType Directory -Force (Join-Path $stage 'scripts') | Out-Null
        Copy-Item -Recurse $OutDaemon (Join-Path $stage 'daemon')
        foreach ($f in 'stellaops-opsd.service', 'stellaops-opsd.tmpfiles.conf', 'stellaops-opsd.sysusers.conf', 'install-service.ps1') {
            $src = Join-Path $Root "scripts/$f"
            if (Test-Path $src) { Copy-Item $src (Join-Path $stage 'scripts') }
        }
        if (Test-Path (Join-Path $Root 'README.md')) { Copy-Item (Join-Path $Root 'README.md') $stage }
        $tarball = Join-Path $artifacts "$name.tar.gz"
        exec { tar -C (Join-Path $artifacts 'stage') --owner=0 --group=0 -czf $tarball $name }
        Remove-Item -Recurse -Force (Join-Path $artifacts 'stage')
        print Green "package: $(Get-RelativePath $tarball)"
    }
    else { print Yellow 'package: no daemon built yet; no daemon tarball' }
}

# Synopsis: remove build outputs (out/, artifacts/, TestResults/) and bin/obj of every project.
task clean {
    Remove-Item -Recurse -Force (Join-Path $Root 'out'), (Join-Path $Root 'artifacts'), $ResultsDir -ErrorAction SilentlyContinue
    foreach ($p in Get-ProjectFiles) {
        Remove-Item -Recurse -Force (Join-Path $p.DirectoryName 'bin'), (Join-Path $p.DirectoryName 'obj') -ErrorAction SilentlyContinue
    }
}

task . build

#endregion

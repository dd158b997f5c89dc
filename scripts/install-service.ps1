<#
.Synopsis
    Installs stella-opsd as a service: a systemd unit on Linux, a Windows service on Windows.

.Description
    Idempotent: run it again after a new build and it changes only what differs (new daemon files, a changed
    unit), restarting the service only then. -WhatIf shows every step without doing it.

    Linux (as root):
      1. the stellaops user and group and the stellaops-operators / stellaops-readers role groups
         (systemd-sysusers with scripts/stellaops-opsd.sysusers.conf, or groupadd/useradd where it is missing);
         the stellaops user joins the softhsm group when that group exists (SoftHSM2's token directory);
      2. tmpfiles.d entry for /run/stellaops (0750), /var/lib/stellaops (0700), /etc/stellaops;
      3. the daemon files into /opt/stellaops/daemon (owned by root, not writable by the service);
      4. /etc/systemd/system/stellaops-opsd.service, daemon-reload, enable, start (or restart when changed).
    Windows (as Administrator):
      the daemon into %ProgramFiles%\StellaOps\daemon, the service StellaOpsOpsd running as the virtual account
      NT SERVICE\StellaOpsOpsd with "--system", restart on failure, modify rights on %ProgramData%\StellaOps.

    Grant people access afterwards (Linux): usermod -aG stellaops,stellaops-operators alice (may change things)
    or usermod -aG stellaops,stellaops-readers bob (may only read); they log in again to get the groups.

.Parameter SourcePath
    The daemon folder to install: the one built by `./build.ps1 build` (out/daemon) or the daemon/ folder of
    the release tarball. Default: ../daemon next to this script if it exists, else ../out/daemon.

.Parameter InstallRoot
    Default /opt/stellaops (Linux) or $env:ProgramFiles\StellaOps (Windows). The unit's ExecStart is rewritten
    when this differs from /opt/stellaops.

.Parameter DestDir
    Linux packaging: stage every file under this prefix (like DESTDIR) and skip users, groups and systemctl.

.Parameter NoStart
    Install and enable, but do not start or restart the service.

.Parameter Uninstall
    Stop, disable and remove the service and the installed daemon files. Keeps state (/var/lib/stellaops,
    %ProgramData%\StellaOps), configuration and the users and groups.

.Example
    sudo dotnet pwsh ./scripts/install-service.ps1 -WhatIf
.Example
    sudo dotnet pwsh ./scripts/install-service.ps1
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $SourcePath,
    [string] $InstallRoot,
    [string] $DestDir,
    [switch] $NoStart,
    [switch] $Uninstall
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$ServiceName = if ($IsWindows) { 'StellaOpsOpsd' } else { 'stellaops-opsd' }
$ExeName = if ($IsWindows) { 'stella-opsd.exe' } else { 'stella-opsd' }

if (-not $InstallRoot) { $InstallRoot = if ($IsWindows) { Join-Path $env:ProgramFiles 'StellaOps' } else { '/opt/stellaops' } }
if (-not $SourcePath -and -not $Uninstall) {
    $SourcePath = @((Join-Path $PSScriptRoot '../daemon'), (Join-Path $PSScriptRoot '../out/daemon')) |
        Where-Object { Test-Path (Join-Path $_ $ExeName) } | Select-Object -First 1
    if (-not $SourcePath) { throw "no daemon to install: build it first (dotnet pwsh ./build.ps1 build) or pass -SourcePath" }
}
if ($SourcePath) {
    $SourcePath = (Resolve-Path $SourcePath).ProviderPath
    if (-not (Test-Path (Join-Path $SourcePath $ExeName))) { throw "$SourcePath has no $ExeName" }
}

# The path as installed (what the unit names) and the path written to (under DestDir when staging).
function Get-Target([string] $Path) { if ($DestDir) { Join-Path $DestDir $Path.TrimStart('/') } else { $Path } }

function Get-TreeFingerprint([string] $Dir) {
    if (-not (Test-Path $Dir)) { return '' }
    $lines = Get-ChildItem -Path $Dir -Recurse -File | Sort-Object FullName | ForEach-Object {
        '{0}|{1}' -f [System.IO.Path]::GetRelativePath($Dir, $_.FullName).Replace('\', '/'), (Get-FileHash -Algorithm SHA256 $_.FullName).Hash
    }
    [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes(($lines -join "`n"))))
}

# Replaces $Target with a copy of $Source when their contents differ; returns $true when it changed.
function Sync-Tree([string] $Source, [string] $Target) {
    if ((Get-TreeFingerprint $Source) -eq (Get-TreeFingerprint $Target)) {
        Write-Verbose "$Target is up to date"
        return $false
    }
    if (-not $PSCmdlet.ShouldProcess($Target, "install the daemon files from $Source")) { return $true }
    $parent = Split-Path $Target
    New-Item -ItemType Directory -Force $parent | Out-Null
    $staging = "$Target.new"
    Remove-Item -Recurse -Force $staging -ErrorAction SilentlyContinue
    Copy-Item -Recurse $Source $staging
    if (-not $IsWindows) {
        & chmod -R u=rwX,go=rX $staging
        & chmod 0755 (Join-Path $staging $ExeName)
        if (-not $DestDir) { & chown -R 0:0 $staging }
    }
    $old = "$Target.old"
    Remove-Item -Recurse -Force $old -ErrorAction SilentlyContinue
    if (Test-Path $Target) { Move-Item $Target $old }
    Move-Item $staging $Target
    Remove-Item -Recurse -Force $old -ErrorAction SilentlyContinue
    return $true
}

# Writes $Content to $Path when it differs; returns $true when it changed.
function Set-FileContent([string] $Path, [string] $Content, [string] $Mode = '0644') {
    if ((Test-Path $Path) -and ((Get-Content -Raw $Path) -eq $Content)) {
        Write-Verbose "$Path is up to date"
        return $false
    }
    if (-not $PSCmdlet.ShouldProcess($Path, 'write')) { return $true }
    New-Item -ItemType Directory -Force (Split-Path $Path) | Out-Null
    [System.IO.File]::WriteAllText($Path, $Content)
    if (-not $IsWindows) { & chmod $Mode $Path }
    return $true
}

function Invoke-Step([string] $Target, [string] $Action, [scriptblock] $Script) {
    if ($PSCmdlet.ShouldProcess($Target, $Action)) {
        & $Script
        if ($LASTEXITCODE) { throw "$Action ($Target) failed with exit code $LASTEXITCODE" }
    }
}

function Test-SystemdRunning { (Get-Command systemctl -ErrorAction SilentlyContinue) -and (Test-Path '/run/systemd/system') }

function Test-GroupExists([string] $Name) { $null -ne (& getent group $Name) }
function Test-UserExists([string] $Name) { $null -ne (& getent passwd $Name) }

function Install-Linux {
    if (-not $DestDir -and -not $WhatIfPreference -and (& id -u) -ne '0') {
        throw 'run as root (sudo dotnet pwsh ./scripts/install-service.ps1), or pass -WhatIf to see the steps'
    }

    # 1. Users and groups.
    $sysusersSrc = Join-Path $PSScriptRoot 'stellaops-opsd.sysusers.conf'
    $sysusers = Get-Target '/usr/lib/sysusers.d/stellaops-opsd.conf'
    Set-FileContent $sysusers (Get-Content -Raw $sysusersSrc) | Out-Null
    if (-not $DestDir) {
        if (Get-Command systemd-sysusers -ErrorAction SilentlyContinue) {
            Invoke-Step 'stellaops, stellaops-operators, stellaops-readers' 'create the service user and role groups (systemd-sysusers)' {
                & systemd-sysusers $sysusers
            }
        }
        else {
            foreach ($g in 'stellaops', 'stellaops-operators', 'stellaops-readers') {
                if (-not (Test-GroupExists $g)) { Invoke-Step $g 'create the system group' { & groupadd --system $g } }
            }
            if (-not (Test-UserExists 'stellaops')) {
                Invoke-Step 'stellaops' 'create the system user' {
                    & useradd --system --gid stellaops --home-dir /var/lib/stellaops --no-create-home --shell /usr/sbin/nologin --comment 'StellaOps operations daemon' stellaops
                }
            }
        }
        if ((Test-GroupExists 'softhsm') -and -not ((& id -nG stellaops 2>$null) -split ' ' -contains 'softhsm')) {
            Invoke-Step 'stellaops' 'add to the softhsm group (SoftHSM2 token access)' { & usermod -aG softhsm stellaops }
        }
    }

    # 2. Directories at boot.
    $tmpfiles = Get-Target '/usr/lib/tmpfiles.d/stellaops-opsd.conf'
    Set-FileContent $tmpfiles (Get-Content -Raw (Join-Path $PSScriptRoot 'stellaops-opsd.tmpfiles.conf')) | Out-Null
    if (-not $DestDir -and (Get-Command systemd-tmpfiles -ErrorAction SilentlyContinue)) {
        Invoke-Step '/run/stellaops /var/lib/stellaops /etc/stellaops' 'create (systemd-tmpfiles)' { & systemd-tmpfiles --create $tmpfiles }
    }

    # 3. Daemon files.
    $filesChanged = Sync-Tree $SourcePath (Get-Target (Join-Path $InstallRoot 'daemon'))
    $readme = Join-Path $PSScriptRoot '../README.md'
    if (Test-Path $readme) { Set-FileContent (Get-Target (Join-Path $InstallRoot 'README.md')) (Get-Content -Raw $readme) | Out-Null }

    # 4. The unit.
    $unit = Get-Content -Raw (Join-Path $PSScriptRoot 'stellaops-opsd.service')
    if ($InstallRoot -ne '/opt/stellaops') { $unit = $unit.Replace('/opt/stellaops/', ($InstallRoot.TrimEnd('/') + '/')) }
    $unitChanged = Set-FileContent (Get-Target '/etc/systemd/system/stellaops-opsd.service') $unit

    if ($DestDir) { Write-Output "staged under $DestDir"; return }
    if (-not (Test-SystemdRunning)) {
        Write-Warning "systemd is not running here (a container?): $(if ($WhatIfPreference) { 'would skip' } else { 'skipped' }) daemon-reload, enable and start; run them where systemd runs"
        return
    }
    if ($unitChanged) { Invoke-Step 'systemd' 'daemon-reload' { & systemctl daemon-reload } }
    Invoke-Step $ServiceName 'enable' { & systemctl enable --quiet $ServiceName }
    if (-not $NoStart) {
        & systemctl is-active --quiet $ServiceName
        $active = $LASTEXITCODE -eq 0
        $global:LASTEXITCODE = 0
        if (-not $active) { Invoke-Step $ServiceName 'start' { & systemctl start $ServiceName } }
        elseif ($filesChanged -or $unitChanged) { Invoke-Step $ServiceName 'restart (files changed)' { & systemctl restart $ServiceName } }
        else { Write-Verbose "$ServiceName is running and up to date" }
    }
    if (-not $WhatIfPreference) { & systemctl --no-pager --lines=0 status $ServiceName; $global:LASTEXITCODE = 0 }
}

function Uninstall-Linux {
    if (-not $DestDir -and (Test-SystemdRunning)) {
        & systemctl cat $ServiceName *> $null
        if ($LASTEXITCODE -eq 0) {
            $global:LASTEXITCODE = 0
            Invoke-Step $ServiceName 'stop and disable' { & systemctl disable --now --quiet $ServiceName }
        }
        $global:LASTEXITCODE = 0
    }
    foreach ($p in '/etc/systemd/system/stellaops-opsd.service', (Join-Path $InstallRoot 'daemon'), (Join-Path $InstallRoot 'README.md')) {
        $t = Get-Target $p
        if ((Test-Path $t) -and $PSCmdlet.ShouldProcess($t, 'remove')) { Remove-Item -Recurse -Force $t }
    }
    if (-not $DestDir -and (Test-SystemdRunning)) { Invoke-Step 'systemd' 'daemon-reload' { & systemctl daemon-reload } }
    Write-Output 'kept: /var/lib/stellaops (state), /etc/stellaops (configuration), users, groups, sysusers.d and tmpfiles.d entries'
}

function Install-Windows {
    $principal = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()
    if (-not $WhatIfPreference -and -not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw 'run from an elevated PowerShell (Run as Administrator), or pass -WhatIf to see the steps'
    }
    $exe = Join-Path $InstallRoot "daemon\$ExeName"
    $binaryPath = "`"$exe`" --system"
    $svc = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue

    if ($svc -and $svc.Status -ne 'Stopped' -and (Get-TreeFingerprint $SourcePath) -ne (Get-TreeFingerprint (Join-Path $InstallRoot 'daemon'))) {
        # The running service holds its files open: stop it before replacing them.
        if ($PSCmdlet.ShouldProcess($ServiceName, 'stop (files change)')) { Stop-Service -Name $ServiceName }
    }
    $filesChanged = Sync-Tree $SourcePath (Join-Path $InstallRoot 'daemon')

    if (-not $svc) {
        if ($PSCmdlet.ShouldProcess($ServiceName, "create service: $binaryPath")) {
            New-Service -Name $ServiceName -BinaryPathName $binaryPath -DisplayName 'StellaOps operations daemon' `
                -Description 'HSM sessions, keys, signing, trust and transparency log for StellaOps.' -StartupType Automatic | Out-Null
        }
    }
    else {
        $current = (Get-CimInstance Win32_Service -Filter "Name='$ServiceName'").PathName
        if ($current -ne $binaryPath) {
            Invoke-Step $ServiceName "set binPath to $binaryPath" { & sc.exe config $ServiceName binPath= $binaryPath start= auto | Out-Null }
        }
    }
    # A virtual service account: no password, no rights beyond what is granted below.
    Invoke-Step $ServiceName 'run as NT SERVICE\StellaOpsOpsd' { & sc.exe config $ServiceName obj= "NT SERVICE\$ServiceName" | Out-Null }
    Invoke-Step $ServiceName 'restart on failure (5 s)' { & sc.exe failure $ServiceName reset= 86400 actions= restart/5000/restart/5000/restart/30000 | Out-Null }
    $state = Join-Path $env:ProgramData 'StellaOps'
    if ($PSCmdlet.ShouldProcess($state, "grant NT SERVICE\$ServiceName modify rights")) {
        New-Item -ItemType Directory -Force $state | Out-Null
        & icacls $state /grant "NT SERVICE\${ServiceName}:(OI)(CI)M" | Out-Null
        if ($LASTEXITCODE) { throw "icacls failed with exit code $LASTEXITCODE" }
    }
    if (-not $NoStart) {
        $svc = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
        if ($svc -and $svc.Status -ne 'Running') {
            if ($PSCmdlet.ShouldProcess($ServiceName, 'start')) { Start-Service -Name $ServiceName }
        }
        elseif ($svc -and $filesChanged) {
            if ($PSCmdlet.ShouldProcess($ServiceName, 'restart (files changed)')) { Restart-Service -Name $ServiceName }
        }
    }
    Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
}

function Uninstall-Windows {
    $svc = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
    if ($svc) {
        if ($svc.Status -ne 'Stopped' -and $PSCmdlet.ShouldProcess($ServiceName, 'stop')) { Stop-Service -Name $ServiceName }
        Invoke-Step $ServiceName 'delete service' { & sc.exe delete $ServiceName | Out-Null }
    }
    $daemon = Join-Path $InstallRoot 'daemon'
    if ((Test-Path $daemon) -and $PSCmdlet.ShouldProcess($daemon, 'remove')) { Remove-Item -Recurse -Force $daemon }
    Write-Output "kept: $env:ProgramData\StellaOps (state and configuration)"
}

if ($IsWindows) {
    if ($Uninstall) { Uninstall-Windows } else { Install-Windows }
}
elseif ($IsLinux) {
    if ($Uninstall) { Uninstall-Linux } else { Install-Linux }
}
else {
    throw 'install-service.ps1 supports Linux (systemd) and Windows'
}

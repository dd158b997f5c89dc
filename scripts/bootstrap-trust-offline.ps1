#!/usr/bin/env pwsh
# bootstrap-trust-offline.sh: imports a trust snapshot on an air-gapped machine (Import-StellaTrustSnapshot).
Import-Module (Join-Path $PSScriptRoot 'TufScripts.psm1') -Force
$argv = @($args)
$usage = @"
usage: bootstrap-trust-offline.sh BUNDLE.tar.zst [--force]
Imports a trust snapshot (made by 'stella trust snapshot export') with or without a daemon, verified exactly as a
refresh from the trusted root this machine has. A bundle that changes the root needs --force (and a valid chain).
"@
if ($argv -contains '--help' -or $argv -contains '-h' -or $argv.Count -eq 0) { $usage; exit 0 }
Invoke-TufScript -Name 'bootstrap-trust-offline.sh' -Usage $usage -Body {
    $parsed = ConvertFrom-ScriptArgument -Arguments $argv -Switches @('force')
    Assert-KnownFlag $parsed @('force')
    if ($parsed.Positional.Count -ne 1) { throw [System.Management.Automation.ParameterBindingException]::new('give exactly one bundle file.') }
    Import-StellaTrustSnapshot -Path $parsed.Positional[0] -Force:([bool]$parsed.Named['force']) -ErrorAction Stop
}

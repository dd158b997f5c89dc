#!/usr/bin/env pwsh
# bootstrap-trust-offline.sh: imports a trust snapshot on an air-gapped machine (Import-StellaTrustSnapshot).
Import-Module (Join-Path $PSScriptRoot 'TufScripts.psm1') -Force
$argv = @($args)
$usage = @"
usage: bootstrap-trust-offline.sh BUNDLE.tar.zst [--force] [--metadata-dir DIR [--targets-dir DIR]]
Imports a trust snapshot (made by 'stella trust snapshot export') verified exactly as a refresh from the trusted
root this machine has. A bundle that changes the root needs --force (and a valid rotation chain).
  (default)            into the local daemon (Import-StellaTrustSnapshot -Path BUNDLE)
  --metadata-dir DIR   with no daemon, into the TUF metadata directory DIR, which must already hold the trusted
                       root.json (Import-StellaTrustSnapshot -MetadataDirectory DIR)
  --targets-dir DIR    with --metadata-dir: where the verified targets go (default: DIR/../targets)
  --force              allow a root rotation carried by the bundle
"@
if ($argv -contains '--help' -or $argv -contains '-h' -or $argv.Count -eq 0) { $usage; exit 0 }
Invoke-TufScript -Name 'bootstrap-trust-offline.sh' -Usage $usage -Body {
    $parsed = ConvertFrom-ScriptArgument -Arguments $argv -Switches @('force')
    Assert-KnownFlag $parsed @('force', 'metadata-dir', 'targets-dir')
    if ($parsed.Positional.Count -ne 1) { throw [System.Management.Automation.ParameterBindingException]::new('give exactly one bundle file.') }
    $import = @{ Path = $parsed.Positional[0]; Force = [bool]$parsed.Named['force'] }
    if ($parsed.Named['metadata-dir']) {
        $import.MetadataDirectory = $parsed.Named['metadata-dir']
        if ($parsed.Named['targets-dir']) { $import.TargetDirectory = $parsed.Named['targets-dir'] }
    }
    elseif ($parsed.Named['targets-dir']) { throw [System.Management.Automation.ParameterBindingException]::new('--targets-dir goes with --metadata-dir (a daemon keeps its own targets).') }
    Import-StellaTrustSnapshot @import -ErrorAction Stop
}

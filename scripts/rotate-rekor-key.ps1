#!/usr/bin/env pwsh
# rotate-rekor-key.sh add-key|remove-old: log keys in trusted_root.json (Add-StellaTufRekorKey, Remove-StellaTufRekorKey).
Import-Module (Join-Path $PSScriptRoot 'TufScripts.psm1') -Force
$argv = @($args)
$usage = @"
usage: rotate-rekor-key.sh add-key --repo DIR --new-key KEY.pub [--name NAME] [--url URL]
       rotate-rekor-key.sh remove-old --repo DIR --old-key-name NAME [--at TIME]
add-key lists the log key (PEM public key) in the trusted_root.json target with a window open from now (NAME
defaults to the file name without 'new-' and extension). remove-old ends the old key's window now (a compromise),
or at TIME. Both re-sign targets, snapshot and timestamp; then publish.
"@
if ($argv -contains '--help' -or $argv -contains '-h' -or $argv.Count -eq 0) { $usage; exit 0 }
Invoke-TufScript -Name 'rotate-rekor-key.sh' -Usage $usage -Body {
    $verb = $argv[0]
    $parsed = ConvertFrom-ScriptArgument -Arguments @($argv | Select-Object -Skip 1)
    $common = Get-TufPasswordParameter $parsed
    $repo = Get-TufRepoArgument $parsed
    switch ($verb) {
        'add-key' {
            Assert-KnownFlag $parsed @('repo', 'new-key', 'name', 'url', 'online-password-file')
            if (-not $parsed.Named['new-key']) { throw [System.Management.Automation.ParameterBindingException]::new('--new-key is required.') }
            $p = @{ Repo = $repo; PublicKey = $parsed.Named['new-key'] } + $common
            if ($parsed.Named['name']) { $p.Name = $parsed.Named['name'] }
            if ($parsed.Named['url']) { $p.Url = $parsed.Named['url'] }
            $null = Add-StellaTufRekorKey @p -ErrorAction Stop
            "added the Rekor key from $($parsed.Named['new-key']); sign and publish"
        }
        'remove-old' {
            Assert-KnownFlag $parsed @('repo', 'old-key-name', 'at', 'online-password-file')
            if (-not $parsed.Named['old-key-name']) { throw [System.Management.Automation.ParameterBindingException]::new('--old-key-name is required.') }
            $p = @{ Repo = $repo; Name = $parsed.Named['old-key-name']; Force = $true; Confirm = $false } + $common
            if ($parsed.Named['at']) { $p.At = [DateTimeOffset]::Parse($parsed.Named['at']) }
            $null = Remove-StellaTufRekorKey @p -ErrorAction Stop
            "ended the Rekor key $($parsed.Named['old-key-name']); sign and publish"
        }
        default { throw [System.Management.Automation.ParameterBindingException]::new("unknown command '$verb': use add-key or remove-old.") }
    }
}

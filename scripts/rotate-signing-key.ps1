#!/usr/bin/env pwsh
# rotate-signing-key.sh generate|retire: the issuer keys verifiers get from the repository (New-/Disable-StellaTufSigningKey).
Import-Module (Join-Path $PSScriptRoot 'TufScripts.psm1') -Force
$argv = @($args)
$usage = @"
usage: rotate-signing-key.sh generate --key-type ecdsa-p256|ed25519 [--name NAME] [--repo DIR]
       rotate-signing-key.sh retire --old-key NAME [--repo DIR]
generate makes a signing key (encrypted with the online password under DIR/keys/signing/), lists its public key in
the signing-keys.json target from now and prints the PEM. retire ends the key's window now. DIR defaults to
`$STELLA_TUF_REPO, then the current directory. Both re-sign targets, snapshot and timestamp; then publish.
"@
if ($argv -contains '--help' -or $argv -contains '-h' -or $argv.Count -eq 0) { $usage; exit 0 }
Invoke-TufScript -Name 'rotate-signing-key.sh' -Usage $usage -Body {
    $verb = $argv[0]
    $parsed = ConvertFrom-ScriptArgument -Arguments @($argv | Select-Object -Skip 1)
    $common = Get-TufPasswordParameter $parsed
    $repo = Get-TufRepoArgument $parsed
    switch ($verb) {
        'generate' {
            Assert-KnownFlag $parsed @('repo', 'key-type', 'name', 'online-password-file')
            $p = @{ Repo = $repo } + $common
            if ($parsed.Named['key-type']) { $p.KeyType = $parsed.Named['key-type'] }
            if ($parsed.Named['name']) { $p.Name = $parsed.Named['name'] }
            New-StellaTufSigningKey @p -ErrorAction Stop
        }
        'retire' {
            Assert-KnownFlag $parsed @('repo', 'old-key', 'online-password-file')
            if (-not $parsed.Named['old-key']) { throw [System.Management.Automation.ParameterBindingException]::new('--old-key is required.') }
            $null = Disable-StellaTufSigningKey -Repo $repo -Name $parsed.Named['old-key'] @common -ErrorAction Stop
            "retired the signing key $($parsed.Named['old-key']); sign and publish"
        }
        default { throw [System.Management.Automation.ParameterBindingException]::new("unknown command '$verb': use generate or retire.") }
    }
}

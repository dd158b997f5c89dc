#!/usr/bin/env pwsh
# tuf-ceremony init|rotate: the root key ceremony on an air-gapped machine (Initialize-StellaTufRepository, New-StellaTufRootRotation).
Import-Module (Join-Path $PSScriptRoot 'TufScripts.psm1') -Force
$argv = @($args)
$usage = @"
usage: tuf-ceremony init --threshold M --keys N --algorithm ed25519|ecdsa-p256 [--repo DIR] [--holders a,b,...]
                         [--rekor-url URL] [--kdf-iterations N] [--token HOLDER=LABEL ...] [token options] [password options]
       tuf-ceremony rotate [--repo DIR] [--threshold M] [--holders a,b,...] [--algorithm A] [--token HOLDER=LABEL ...]
                           [token options] [password options]
init makes a new TUF repository in DIR (default: the current directory): M-of-N root keys (one encrypted key
file per holder), online keys for targets, snapshot and timestamp, consistent snapshots, expiry policies, a ceremony
record in ceremonies/, and scripts/sign-metadata.sh and scripts/publish.sh in the repository.
rotate proposes the next root: new keys for --holders, or only a new --threshold; it stays pending until the old
root's threshold has signed it too (scripts/sign-metadata.sh; or --export-pending on another machine).
$PasswordHelp
$TokenHelp
Example: tuf-ceremony init --threshold 2 --keys 3 --algorithm ecdsa-p256 --holders alice,bob,carol \
           --token alice=alice-root --token bob=bob-root --token carol=carol-root \
           --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --pin-file /secure/{holder}.pin
"@
if ($argv -contains '--help' -or $argv -contains '-h' -or $argv.Count -eq 0) { $usage; exit 0 }
Invoke-TufScript -Name 'tuf-ceremony' -Usage $usage -Body {
    $verb = $argv[0]
    $parsed = ConvertFrom-ScriptArgument -Arguments @($argv | Select-Object -Skip 1)
    $common = (Get-TufPasswordParameter $parsed) + (Get-TufTokenParameter $parsed)
    $repo = Get-TufRepoArgument $parsed
    $holders = if ($parsed.Named['holders']) { $parsed.Named['holders'] -split ',' } else { $null }
    switch ($verb) {
        'init' {
            Assert-KnownFlag $parsed (@('threshold', 'keys', 'algorithm', 'repo', 'holders', 'rekor-url', 'kdf-iterations') + $PasswordFlags + $TokenFlags)
            $p = @{ Repo = $repo } + $common
            if ($parsed.Named['threshold']) { $p.Threshold = [int]$parsed.Named['threshold'] }
            if ($parsed.Named['keys']) { $p.Keys = [int]$parsed.Named['keys'] }
            if ($parsed.Named['algorithm']) { $p.Algorithm = $parsed.Named['algorithm'] }
            if ($holders) { $p.Holder = $holders }
            if ($parsed.Named['rekor-url']) { $p.RekorUrl = $parsed.Named['rekor-url'] }
            if ($parsed.Named['kdf-iterations']) { $p.KdfIterations = [int]$parsed.Named['kdf-iterations'] }
            $record = Initialize-StellaTufRepository @p -ErrorAction Stop
            # The runbook runs ./scripts/sign-metadata.sh and ./scripts/publish.sh from inside the repository.
            $target = Join-Path (Resolve-Path $repo) 'scripts'
            New-Item -ItemType Directory -Force $target | Out-Null
            foreach ($s in 'sign-metadata.sh', 'publish.sh') {
                $stub = "#!/usr/bin/env bash`n# Installed by tuf-ceremony init: the project's $s for this repository.`nexec '$(Join-Path $PSScriptRoot $s)' --repo `"`$(cd `"`$(dirname `"`${BASH_SOURCE[0]}`")/..`" && pwd)`" `"`$@`"`n"
                [IO.File]::WriteAllText((Join-Path $target $s), $stub)
                if (-not $IsWindows) { chmod 755 (Join-Path $target $s) }
            }
            $record | Format-List Ceremony, Time, RootVersion, RootSha256, Threshold, Algorithm, Path
            $record.Holders | Format-Table Name, KeyId, KeyFile, TokenLabel, TokenKeyId -AutoSize
        }
        'rotate' {
            Assert-KnownFlag $parsed (@('threshold', 'algorithm', 'repo', 'holders') + $PasswordFlags + $TokenFlags)
            $p = @{ Repo = $repo } + $common
            if ($parsed.Named['threshold']) { $p.Threshold = [int]$parsed.Named['threshold'] }
            if ($parsed.Named['algorithm']) { $p.Algorithm = $parsed.Named['algorithm'] }
            if ($holders) { $p.Holder = $holders }
            New-StellaTufRootRotation @p -ErrorAction Stop | Format-List Ceremony, Time, RootVersion, Threshold, Pending, Path
        }
        default { throw [System.Management.Automation.ParameterBindingException]::new("unknown command '$verb': use init or rotate.") }
    }
}

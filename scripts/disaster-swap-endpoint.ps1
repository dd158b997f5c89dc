#!/usr/bin/env pwsh
# disaster-swap-endpoint.sh: the Rekor URL in signing_config.v0.2.json (Set-StellaTufRekorEndpoint).
Import-Module (Join-Path $PSScriptRoot 'TufScripts.psm1') -Force
$argv = @($args)
$usage = @"
usage: disaster-swap-endpoint.sh --repo DIR --new-rekor-url URL --note TEXT [--online-password-file FILE]
Ends the open Rekor window(s) in the signing_config.v0.2.json target now and opens one for URL from now, records
the note in DIR/changelog.jsonl and re-signs targets, snapshot and timestamp. Then publish (scripts/publish.sh).
"@
if ($argv -contains '--help' -or $argv -contains '-h') { $usage; exit 0 }
Invoke-TufScript -Name 'disaster-swap-endpoint.sh' -Usage $usage -Body {
    $parsed = ConvertFrom-ScriptArgument -Arguments $argv
    Assert-KnownFlag $parsed @('repo', 'new-rekor-url', 'note', 'online-password-file')
    foreach ($required in 'new-rekor-url', 'note') { if (-not $parsed.Named[$required]) { throw [System.Management.Automation.ParameterBindingException]::new("--$required is required.") } }
    $pw = Get-TufPasswordParameter $parsed
    $r = Set-StellaTufRekorEndpoint -Repo (Get-TufRepoArgument $parsed) -Url $parsed.Named['new-rekor-url'] -Note $parsed.Named['note'] @pw -ErrorAction Stop
    "Rekor endpoint is now $($parsed.Named['new-rekor-url']); signed $(($r.Signed.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join ', ')"
}

#!/usr/bin/env pwsh
# publish.sh: copies the signed repository to the publish directory atomically, timestamp last (Publish-StellaTufRepository).
Import-Module (Join-Path $PSScriptRoot 'TufScripts.psm1') -Force
$argv = @($args)
$usage = @"
usage: publish.sh [--repo DIR] [--to PUBLISH_DIR]
Checks the signed metadata as a client would (thresholds, expiry and policy, versions, root N+1, key ids,
timestamp/snapshot/targets in step) and refuses with every reason; otherwise copies metadata/ and targets/ to
PUBLISH_DIR (default: DIR/publish), each file atomically, timestamp.json last. Pending metadata is never published.
"@
if ($argv -contains '--help' -or $argv -contains '-h') { $usage; exit 0 }
Invoke-TufScript -Name 'publish.sh' -Usage $usage -Body {
    $parsed = ConvertFrom-ScriptArgument -Arguments $argv
    Assert-KnownFlag $parsed @('repo', 'to')
    $p = @{ Repo = (Get-TufRepoArgument $parsed) }
    if ($parsed.Named['to']) { $p.Destination = $parsed.Named['to'] }
    $r = Publish-StellaTufRepository @p -ErrorAction Stop -WarningAction SilentlyContinue
    "published to $($r.Directory): root $($r.Versions['root']), targets $($r.Versions['targets']), snapshot $($r.Versions['snapshot']), timestamp $($r.Versions['timestamp']) ($($r.FilesWritten.Count) files written)"
    if ($r.PendingRootNotPublished) { "root $($r.PendingRootNotPublished) is pending and was not published" }
}

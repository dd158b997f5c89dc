# Runbook 004 (TUF repository and trust), trust sync: a real daemon against a real TUF repository served on
# 127.0.0.1 (the test repository builder and loopback server of tests/StellaOps.Ops.TestSupport/Tuf, signed with the
# project's metadata model). The trusted_root.json target is the public-good one @sigstore/tuf ships; the signing
# config is written here. Every `stella trust init|sync|status|snapshot export` line of the runbook runs verbatim.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    # The TUF library and its crypto from the module's own folder, so the test support assembly binds to the module's copies.
    $moduleDir = Split-Path (Get-TestModulePath)
    Add-Type -Path (Join-Path $moduleDir 'BouncyCastle.Cryptography.dll'), (Join-Path $moduleDir 'StellaOps.Ops.Tuf.dll')
    Add-Type -Path (Join-Path $repoRoot 'tests/StellaOps.Ops.TestSupport/bin/Release/net10.0/StellaOps.Ops.TestSupport.dll')

    $script:daemon = Start-TestDaemon
    $script:work = Join-Path $daemon.Root 'tuf-test'
    New-Item -ItemType Directory -Path $work | Out-Null

    $seeds = Get-Content -Raw (Join-Path $repoRoot 'tests/interop/node_modules/@sigstore/tuf/seeds.json') | ConvertFrom-Json -AsHashtable
    $script:trustedRoot = [Convert]::FromBase64String($seeds['https://tuf-repo-cdn.sigstore.dev']['targets']['trusted_root.json'])
    function script:SigningConfig([string[]] $LogUrls) {
        $logs = @($LogUrls | ForEach-Object { @{ url = $_; majorApiVersion = 1; validFor = @{ start = '2021-01-12T11:53:27Z' }; operator = ([uri]$_).Host } })
        $config = [ordered]@{
            mediaType       = 'application/vnd.dev.sigstore.signingconfig.v0.2+json'
            rekorTlogUrls   = $logs
            rekorTlogConfig = @{ selector = 'ALL' }
            tsaUrls         = @(@{ url = 'https://timestamp.sigstore.dev/api/v1/timestamp'; majorApiVersion = 1; validFor = @{ start = '2025-07-04T00:00:00Z' }; operator = 'sigstore.dev' })
            tsaConfig       = @{ selector = 'ANY' }
        }
        [Text.Encoding]::UTF8.GetBytes(($config | ConvertTo-Json -Depth 6 -Compress))
    }
    $script:repo = [StellaOps.Ops.TestSupport.Tuf.TufTestRepository]::new((Join-Path $work 'repo'), $null, $true)
    $repo.AddTarget('trusted_root.json', $trustedRoot) | Out-Null
    $repo.AddTarget('signing_config.v0.2.json', (SigningConfig 'https://rekor.sigstore.dev')) | Out-Null
    $repo.PublishAsync().GetAwaiter().GetResult()
    $script:server = [StellaOps.Ops.TestSupport.Tuf.LoopbackFileServer]::new($repo.Directory)
    $script:tufUrl = $server.BaseUrl + 'metadata/'
    $script:targetsUrl = $server.BaseUrl + 'targets/'
    $script:rootFile = Join-Path $work 'root.json'
    [IO.File]::WriteAllBytes($rootFile, $repo.InitialRoot)
    $script:bundle = Join-Path $work 'trust.tar.zst'
    $script:offline = $null

    # Runs a trust command against the daemon in a PowerShell of its own (progress records cannot be redirected) and
    # checks its progress: one activity, 'Trust sync', each step of the refresh in order (root chain, timestamp,
    # snapshot, targets, each target file), completed once, at the end.
    function script:Assert-TrustSyncProgress([string] $Command, [hashtable] $Parameters, [string] $TrustedRootStep) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Get-TestModulePath)).AddStatement().AddCommand($Command).AddParameter('Endpoint', $daemon.Endpoint).AddParameters($Parameters)
            $result = @($ps.Invoke())
            $ps.HadErrors | Should -BeFalse -Because ($ps.Streams.Error | Out-String)
            $result | Should -HaveCount 1
            $records = @($ps.Streams.Progress)
            $statuses = @($records | ForEach-Object StatusDescription)
            $order = @('^root chain', '^timestamp$', '^snapshot$', '^targets', $TrustedRootStep, '^target signing_config\.v0\.2\.json')
            $at = foreach ($pattern in $order) {
                $i = [array]::FindIndex([string[]]$statuses, [Predicate[string]] { param($x) $x -match $pattern })
                $i | Should -BeGreaterOrEqual 0 -Because "a progress record matching '$pattern' (got: $($statuses -join ' | '))"
                $i
            }
            for ($k = 1; $k -lt $at.Count; $k++) { $at[$k] | Should -BeGreaterThan $at[$k - 1] }
            @($records | Select-Object -SkipLast 1 | Where-Object RecordType -eq 'Completed') | Should -HaveCount 0
            $records[-1].RecordType | Should -Be 'Completed'
            @($records.ActivityId | Sort-Object -Unique) | Should -HaveCount 1
            @($records.Activity | Sort-Object -Unique) | Should -Be @('Trust sync')
        }
        finally { $ps.Dispose() }
    }
}
AfterAll {
    if ($script:server) { $script:server.Dispose() }
    if ($script:mirror) { $script:mirror.Dispose() }
    Stop-TestDaemon $script:offline
    Stop-TestDaemon $script:daemon
}

Describe 'Trust sync against a loopback TUF repository' {
    It 'before init: trust is not configured, and doctor warns naming stella trust init (not a failure)' {
        $status = Get-StellaTrustStatus
        $status.Configured | Should -BeFalse
        $status.Source | Should -Be 'not configured'
        $check = Invoke-StellaDoctor -Check check.trust.metadata-freshness
        $check.Status | Should -Be 'Warn'
        $check.Remediation | Should -Match 'stella trust init'
        { stella trust sync -ErrorAction Stop } | Should -Throw -ErrorId 'TrustNotConfigured,*'
    }

    It 'a first init without a root is refused; with the root file it initialises and syncs' {
        { stella trust init --tuf-url $tufUrl -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument,*'
        $result = stella trust init --tuf-url $tufUrl --targets-url $targetsUrl --root $rootFile
        ($result.Roles | Where-Object Role -eq 'timestamp').After | Should -Be 1
        $status = Get-StellaTrustStatus
        $status.Serving | Should -BeTrue
        $status.RepositoryUrl | Should -Be $tufUrl
        ($status.Roles | Where-Object Role -eq 'targets').Version | Should -Be 1
        $status.LastOutcome | Should -Be 'success'
        (Invoke-StellaDoctor -Check check.trust.metadata-freshness).Status | Should -Be 'Pass'
    }

    It 'init again without --force is refused' {
        { stella trust init --tuf-url $tufUrl --root $rootFile -ErrorAction Stop } | Should -Throw -ErrorId 'TrustAlreadyInitialized,*'
    }

    It 'stella trust sync: nothing new, nothing changed' {
        $result = stella trust sync
        $result.MaterialChanges | Should -HaveCount 0
        ($result.Roles | Where-Object Role -eq 'timestamp').Changed | Should -BeFalse
    }

    It 'Sync-StellaTrust shows each step as the daemon reports it (root chain, timestamp, snapshot, targets, each target file), completed at the end' {
        Assert-TrustSyncProgress 'Sync-StellaTrust' @{ Force = $true } '^target trusted_root\.json \(download forced\)$'
    }

    It 'a new log URL in the signing config reaches stella trust status --show-endpoints after stella trust sync --force' {
        $repo.AddTarget('signing_config.v0.2.json', (SigningConfig 'https://rekor.sigstore.dev', 'https://log2.rekor.example.dev')) | Out-Null
        $repo.PublishAsync().GetAwaiter().GetResult()

        $result = stella trust sync --force
        ($result.Roles | Where-Object Role -eq 'targets').Before | Should -Be 1
        ($result.Roles | Where-Object Role -eq 'targets').After | Should -Be 2
        $result.MaterialChanges | Should -Contain 'endpoint added: tlog https://log2.rekor.example.dev/ v1'

        $status = stella trust status --show-endpoints
        $status.ShowEndpoints | Should -BeTrue
        $log2 = $status.Endpoints | Where-Object Url -eq 'https://log2.rekor.example.dev/'
        $log2.Kind | Should -Be 'tlog'
        $log2.Selected | Should -BeTrue
        ($status | Out-String) | Should -Match 'log2\.rekor\.example\.dev'
    }

    It 'stella trust status --show-keys: the log keys with fingerprints and windows; --show-backends: the signing config''s logs in failover order' {
        $status = stella trust status --show-keys
        $rekor = $status.LogKeys | Where-Object BaseUrl -eq 'https://rekor.sigstore.dev/'
        $rekor.Fingerprint | Should -Match '^[0-9a-f]{64}$'
        $rekor.ValidFrom | Should -Be ([datetimeoffset]'2021-01-12T11:53:27Z')
        $backends = @((stella trust status --show-backends).Backends)
        $backends.Count | Should -BeGreaterOrEqual 1
        $backends[0].State | Should -Be 'primary'
        $backends.Url | Should -Contain 'https://rekor.sigstore.dev/'
        foreach ($circuit in @((stella trust status --show-circuit-breaker).Circuits)) { $circuit.Url | Should -BeIn $backends.Url }
    }

    It 'a sync that cannot write the TUF cache is audited: started (what it was about to change) before the change, failed with the error id after; the next sync is audited with what changed' {
        $metadata = Join-Path $daemon.StateDir 'tuf/metadata'
        $timestamp = ((Get-StellaTrustStatus).Roles | Where-Object Role -eq 'timestamp').Version
        $repo.Timestamp.Expires = $repo.Timestamp.Expires.AddMinutes(-1)
        $repo.PublishAsync().GetAwaiter().GetResult()
        # Unwritable even for root (the test daemon runs as root): the immutable attribute.
        & chattr +i $metadata 2>$null
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because "chattr +i is not supported on $metadata's file system"; return }
        try {
            { stella trust sync -ErrorAction Stop } | Should -Throw -ErrorId 'TrustCacheWriteFailed,*'
        }
        finally { & chattr -i $metadata }
        $status = Get-StellaTrustStatus -WarningAction SilentlyContinue
        ($status.Roles | Where-Object Role -eq 'timestamp').Version | Should -Be $timestamp
        # The cause is this machine's cache, not the repository: said so.
        $status.LastOutcome | Should -Be 'write-failed'

        $failed, $started = @(Get-StellaLog -Component Audit -Filter 'tuf.SyncAsync' -First 2)
        $started.Message | Should -Match "^tuf\.SyncAsync by .+ started: .*about to change the TUF cache .*\(root v\d+, timestamp v$timestamp, snapshot v\d+, targets v\d+ of $([regex]::Escape($tufUrl))\); intends: a refresh from"
        $failed.Message | Should -Match "^tuf\.SyncAsync by .+ failed \(intent $($started.Id)\): .*TrustCacheWriteFailed: .*; nothing was changed$"
        $failed.Level | Should -Be 'Warning'
        # What Get-StellaLog shows of it.
        (Get-StellaLog -Component Audit -Filter 'tuf.SyncAsync' -First 1 | Out-String -Width 4096) | Should -Match "Warning\s+Audit\s+tuf\.SyncAsync by .+ failed \(intent $($started.Id)\)"

        $result = stella trust sync
        ($result.Roles | Where-Object Role -eq 'timestamp').After | Should -Be ($timestamp + 1)
        $done, $started = @(Get-StellaLog -Component Audit -Filter 'tuf.SyncAsync' -First 2)
        $done.Message | Should -Match "^tuf\.SyncAsync by .+ succeeded \(intent $($started.Id)\): .*timestamp v$timestamp → v$($timestamp + 1)"
    }

    It 'a daemon killed (kill -9) between a sync''s intent and its file changes completes that audit at its next start: interrupted, not applied' {
        $timestamp = ((Get-StellaTrustStatus).Roles | Where-Object Role -eq 'timestamp').Version
        # The repository answers timestamp.json one byte every 200 ms: the sync has written its intent and waits there.
        $server.Faults['/metadata/timestamp.json'] = [StellaOps.Ops.TestSupport.Tuf.LoopbackFault]::Slow
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Get-TestModulePath)).AddStatement().AddCommand('Sync-StellaTrust').AddParameter('Endpoint', $daemon.Endpoint)
            $pending = $ps.BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(30)
            do {
                Start-Sleep -Milliseconds 100
                $started = Get-StellaLog -Component Audit -Filter 'tuf.SyncAsync' -First 1
            } until ($started.Message -match ' started: ' -or [datetime]::UtcNow -gt $deadline)
            $started.Message | Should -Match '^tuf\.SyncAsync by .+ started: '
            & kill -KILL $daemon.Process.Id
            $daemon.Process.WaitForExit(10000) | Should -BeTrue
            $null = $pending.AsyncWaitHandle.WaitOne(30000)
        }
        finally {
            $ps.Dispose()
            $server.Faults.Clear()
        }
        Disconnect-StellaDaemon -Endpoint $daemon.Endpoint -ErrorAction SilentlyContinue
        Restart-TestDaemon $daemon

        $settled = @(Get-StellaLog -Component Audit -Filter "(intent $($started.Id), started" -First 5)
        $settled | Should -HaveCount 1
        $settled[0].Message | Should -Match "^tuf\.SyncAsync by .+ interrupted: not applied \(intent $($started.Id), started .+\): .*every file of the TUF cache is as it was \(root v\d+, timestamp v$timestamp, "
        $settled[0].Level | Should -Be 'Warning'
        ((Get-StellaTrustStatus).Roles | Where-Object Role -eq 'timestamp').Version | Should -Be $timestamp
    }

    It 'the runbook''s mirror move to an unreachable mirror is refused and keeps the repository; a mirror that verifies is taken' {
        { stella trust init \ --tuf-url https://trust-mirror.example.com/tuf/ \ --force -ErrorAction Stop } | Should -Throw -ErrorId 'TrustRepositoryUnavailable,*'
        (Get-StellaTrustStatus).RepositoryUrl | Should -Be $tufUrl

        $script:mirror = [StellaOps.Ops.TestSupport.Tuf.LoopbackFileServer]::new($repo.Directory)
        stella trust init --tuf-url "$($mirror.BaseUrl)metadata/" --targets-url "$($mirror.BaseUrl)targets/" --force | Out-Null
        (Get-StellaTrustStatus).RepositoryUrl | Should -Be "$($mirror.BaseUrl)metadata/"
        $mirror.Requests | Should -Contain '/metadata/timestamp.json'
        stella trust init --tuf-url $tufUrl --targets-url $targetsUrl --force | Out-Null
    }

    It 'Initialize-StellaTrust shows the steps of its refresh as Sync-StellaTrust does, completed at the end' {
        Assert-TrustSyncProgress 'Initialize-StellaTrust' @{ TufUrl = $tufUrl; TargetsUrl = $targetsUrl; Force = $true; Confirm = $false } '^target trusted_root\.json'
        (Get-StellaTrustStatus).RepositoryUrl | Should -Be $tufUrl
    }

    It 'export, then import on a second daemon with no network' {
        $file = stella trust snapshot export --out $bundle
        $file.FullName | Should -Be $bundle

        $script:offline = Start-TestDaemon -NoEnvironment
        $init = Initialize-StellaTrust -Endpoint $offline.Endpoint -TufUrl 'http://127.0.0.1:9/metadata/' -Root $rootFile -WarningVariable initWarnings -WarningAction SilentlyContinue
        $initWarnings | Should -Match 'first sync failed'
        (Get-StellaTrustStatus -Endpoint $offline.Endpoint -WarningAction SilentlyContinue).Serving | Should -BeFalse

        $imported = Import-StellaTrustSnapshot -Endpoint $offline.Endpoint -Path $bundle
        ($imported.Roles | Where-Object Role -eq 'targets').After | Should -Be 2
        $status = Get-StellaTrustStatus -Endpoint $offline.Endpoint -ShowEndpoints
        $status.Serving | Should -BeTrue
        $status.Endpoints.Url | Should -Contain 'https://log2.rekor.example.dev/'
    }

    It 'the module imports with no daemon into a metadata directory' {
        $dir = Join-Path $work 'offline-client/metadata'
        New-Item -ItemType Directory -Path $dir | Out-Null
        Copy-Item $rootFile (Join-Path $dir 'root.json')
        $result = Import-StellaTrustSnapshot -Path $bundle -MetadataDirectory $dir
        ($result.Roles | Where-Object Role -eq 'snapshot').After | Should -BeGreaterThan 0
        Test-Path (Join-Path $work 'offline-client/targets/trusted_root.json') | Should -BeTrue
        # A client with only its root: everything the bundle brings is new, and said so as a daemon's import says it.
        $result.MaterialChanges | Should -Contain 'endpoint added: tlog https://log2.rekor.example.dev/ v1'
        $result.MaterialChanges | Should -Contain 'endpoint added: tlog https://rekor.sigstore.dev/ v1'
        @($result.MaterialChanges -match '^transparency log added: https://rekor\.sigstore\.dev').Count | Should -BeGreaterThan 0 -Because ($result.MaterialChanges -join ' | ')

        # The same bundle again: nothing changed. A newer one with a third log: exactly that.
        @((Import-StellaTrustSnapshot -Path $bundle -MetadataDirectory $dir).MaterialChanges) | Should -HaveCount 0
        $repo.AddTarget('signing_config.v0.2.json', (SigningConfig 'https://rekor.sigstore.dev', 'https://log2.rekor.example.dev', 'https://log3.rekor.example.dev')) | Out-Null
        $repo.PublishAsync().GetAwaiter().GetResult()
        stella trust sync | Out-Null
        $newer = Join-Path $work 'trust-log3.tar.zst'
        stella trust snapshot export --out $newer | Out-Null
        $changed = Import-StellaTrustSnapshot -Path $newer -MetadataDirectory $dir
        $changed.MaterialChanges | Should -Be @('endpoint added: tlog https://log3.rekor.example.dev/ v1')
    }

    It 'a damaged bundle is refused before anything is verified' {
        $bytes = [IO.File]::ReadAllBytes($bundle)
        $bad = Join-Path $work 'damaged.tar.zst'
        [IO.File]::WriteAllBytes($bad, $bytes[0..($bytes.Length / 2)])
        { Import-StellaTrustSnapshot -Endpoint $offline.Endpoint -Path $bad -ErrorAction Stop } | Should -Throw -ErrorId 'TrustSnapshotInvalid,*'
    }

    It 'a root rotation through the bundle needs --force' {
        $repo.RotateTopLevelKey('root') | Out-Null
        $repo.PublishAsync().GetAwaiter().GetResult()
        $result = stella trust sync --force
        ($result.Roles | Where-Object Role -eq 'root').After | Should -Be 2
        stella trust snapshot export \ --include-root \ --out post-rotation-bundle.tar.zst | Out-Null
        $rotated = Join-Path (Get-Location) 'post-rotation-bundle.tar.zst'
        try {
            { Import-StellaTrustSnapshot -Endpoint $offline.Endpoint -Path $rotated -ErrorAction Stop } | Should -Throw -ErrorId 'TrustRootChangeNeedsForce,*'
            ((Get-StellaTrustStatus -Endpoint $offline.Endpoint).Roles | Where-Object Role -eq 'root').Version | Should -Be 1
            $forced = Import-StellaTrustSnapshot -Endpoint $offline.Endpoint -Path $rotated -Force
            ($forced.Roles | Where-Object Role -eq 'root').After | Should -Be 2
        }
        finally { Remove-Item $rotated -ErrorAction SilentlyContinue }
    }

    It 'two root rotations between syncs: the exported bundle carries every intermediate root, so a client with root v1 follows the chain' {
        foreach ($i in 1, 2) {
            $repo.RotateTopLevelKey('root') | Out-Null
            $repo.PublishAsync().GetAwaiter().GetResult()
        }
        $result = stella trust sync
        ($result.Roles | Where-Object Role -eq 'root').Before | Should -Be 2
        ($result.Roles | Where-Object Role -eq 'root').After | Should -Be 4
        $chain = Join-Path $work 'chain.tar.zst'
        stella trust snapshot export --include-root --out $chain | Out-Null
        $stream = [IO.File]::OpenRead($chain)
        try { $names = [StellaOps.Ops.Tuf.Snapshots.TrustSnapshotBundle]::Read($stream).Keys }
        finally { $stream.Dispose() }
        foreach ($v in 2, 3, 4) { $names | Should -Contain "metadata/$v.root.json" }

        $dir = Join-Path $work 'root-v1-client/metadata'
        New-Item -ItemType Directory -Path $dir | Out-Null
        Copy-Item $rootFile (Join-Path $dir 'root.json')
        $imported = Import-StellaTrustSnapshot -Path $chain -MetadataDirectory $dir -Force
        ($imported.Roles | Where-Object Role -eq 'root').Before | Should -Be 1
        ($imported.Roles | Where-Object Role -eq 'root').After | Should -Be 4
        # The daemon that imported root 2 earlier follows 3 and 4 from the same bundle.
        $forced = Import-StellaTrustSnapshot -Endpoint $offline.Endpoint -Path $chain -Force
        ($forced.Roles | Where-Object Role -eq 'root').After | Should -Be 4
    }

    It 'repository down: the last good metadata is served, then refused once expired, then --allow-stale --max-age 7d serves it loudly' {
        # Metadata that expires in a few seconds, synced while the repository is up.
        $expires = [datetimeoffset]::UtcNow.AddSeconds(6)
        $expires = [datetimeoffset]::new($expires.Year, $expires.Month, $expires.Day, $expires.Hour, $expires.Minute, $expires.Second, [timespan]::Zero)
        $repo.Timestamp.Expires = $expires
        $repo.PublishAsync().GetAwaiter().GetResult()
        stella trust sync | Out-Null
        $server.Dispose(); $script:server = $null

        { stella trust sync -ErrorAction Stop } | Should -Throw -ErrorId 'TrustRepositoryUnavailable,*'
        $status = Get-StellaTrustStatus -WarningAction SilentlyContinue
        $status.Serving | Should -BeTrue
        $status.Stale | Should -BeFalse
        $status.LastOutcome | Should -Be 'unavailable'

        while ([datetimeoffset]::UtcNow -le $expires.AddSeconds(1)) { Start-Sleep -Milliseconds 250 }
        { stella trust sync -ErrorAction Stop } | Should -Throw -ErrorId 'TrustMetadataStale,*'
        $status = Get-StellaTrustStatus -WarningAction SilentlyContinue
        $status.Serving | Should -BeFalse
        ($status.Roles | Where-Object Role -eq 'timestamp').Expired | Should -BeTrue
        (Invoke-StellaDoctor -Check check.trust.metadata-expiry).Status | Should -Be 'Fail'

        $result = stella trust sync --allow-stale --max-age 7d -WarningVariable staleWarnings -WarningAction SilentlyContinue
        $result.Stale | Should -BeTrue
        $staleWarnings | Should -Match 'STALE TRUST METADATA IN USE'
        $status = Get-StellaTrustStatus -WarningVariable statusWarnings -WarningAction SilentlyContinue
        $status.Stale | Should -BeTrue
        $status.Serving | Should -BeTrue
        $statusWarnings | Should -Match 'STALE'
        $doctor = Invoke-StellaDoctor -Check check.trust.metadata-freshness
        $doctor.Status | Should -Be 'Fail'
        $doctor.Message | Should -Match 'STALE TRUST METADATA IN USE'
        (Invoke-StellaDoctor -Check check.trust.metadata-expiry).Message | Should -Match 'STALE TRUST METADATA IN USE'
        $grant = Get-StellaConfig trust.stale_max_age
        $grant.Value | Should -Be '7d'
        $grant.ChangedBy | Should -Not -BeNullOrEmpty
        (@(Get-StellaLog -Component Audit -Filter 'tuf.SyncAsync' -Last 5m).Message -join "`n") | Should -Match 'allowStale.{0,4}true'
    }

    It 'the --allow-stale grant survives a restart (still loud), a plain sync keeps it, and it is refused once the age since the last good refresh exceeds --max-age' {
        Restart-TestDaemon $daemon
        $status = Get-StellaTrustStatus -WarningVariable restartWarnings -WarningAction SilentlyContinue
        $status.Serving | Should -BeTrue
        $status.Stale | Should -BeTrue
        $restartWarnings | Should -Match 'STALE TRUST METADATA IN USE'
        $doctor = Invoke-StellaDoctor -Check check.trust.metadata-freshness
        $doctor.Status | Should -Be 'Fail'
        $doctor.Message | Should -Match 'STALE TRUST METADATA IN USE'

        # The repository is still down: a sync with no --allow-stale keeps serving under the grant, and says so.
        $plain = stella trust sync -WarningVariable plainWarnings -WarningAction SilentlyContinue
        $plain.Stale | Should -BeTrue
        $plainWarnings | Should -Match 'STALE TRUST METADATA IN USE'

        # The last good refresh is older than 2 s by now (the metadata expired 6 s after it): refused, and the grant ends.
        { stella trust sync --allow-stale --max-age 2s -ErrorAction Stop } | Should -Throw -ErrorId 'TrustMetadataStale,*'
        $status = Get-StellaTrustStatus -WarningAction SilentlyContinue
        $status.Serving | Should -BeFalse
        $status.Stale | Should -BeFalse
        (Get-StellaConfig trust.stale_max_age).Value | Should -Be '0s'
        (Invoke-StellaDoctor -Check check.trust.metadata-expiry).Message | Should -Match 'not served'

        Restart-TestDaemon $daemon
        (Get-StellaTrustStatus -WarningAction SilentlyContinue).Serving | Should -BeFalse
        { stella trust sync -ErrorAction Stop } | Should -Throw -ErrorId 'TrustMetadataStale,*'
    }
}

# Runbook 004 (disaster recovery) end to end against a real daemon: a TUF repository made and changed with the
# project's own scripts (the runbook's script lines, its paths and URLs replaced by the test's), two real test logs
# (primary and mirror, stella-testlog) named by its signing config, the daemon trust-initialised on it. Every
# `stella …` line of scenarios 1, 2 and 5 runs verbatim.
#   Scenario 1: a Rekor outage (circuit opens, the mirror takes over), the endpoint swap through TUF reaching the
#               running daemon after `stella trust sync --force` with no client step, the swap back, reset-circuits.
#   Scenario 2: a Rekor key rotation in the trusted root (add-key, then remove-old) and the forensics query.
#   Scenario 5: a root rotation with a threshold change, imported offline by a second daemon with no network only
#               with --force (bootstrap-trust-offline.sh).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:t = Start-TestTrustEnvironment
    $script:daemon = Start-TestDaemon -Config $t.DaemonConfig
    $script:offline = $null
    Initialize-TestDaemonTrust $t $daemon | Out-Null
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
    $key = stella keys generate --type signing --algorithm ecdsa-p256
    stella keys activate $key.Id | Out-Null

    # Signed attestations for test:<prefix>-<i>; waits (no time asserted) until the daemon logged them all, or fails
    # after a generous minute saying which are not and what the backends say.
    function script:New-LoggedAttestation([string] $Prefix, [int] $Count = 1) {
        $ids = foreach ($i in 1..$Count) { (stella attest create --type test --subject "test:$Prefix-$i").Id }
        Wait-Logged $ids
        $ids
    }
    function script:Wait-Logged([string[]] $Ids) {
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        do {
            $all = @(Get-StellaAttestation -Id $Ids)
            if (@($all | Where-Object Status -eq 'Logged').Count -eq $Ids.Count) { return }
            Start-Sleep -Milliseconds 100
        } while ([DateTime]::UtcNow -lt $deadline)
        $status = stella trust status --show-backends --show-circuit-breaker -WarningAction SilentlyContinue
        throw "not logged: $(($all | Where-Object Status -ne 'Logged' | ForEach-Object { "$($_.Id) $($_.Status)" }) -join ', '); backends: $(($status.Backends | ForEach-Object { "$($_.Url) $($_.Message)" }) -join '; ')"
    }
    function script:Get-Backend([string] $Url) { @((stella trust status --show-backends).Backends) | Where-Object { $_.Url.TrimEnd('/') -eq $Url } }
    function script:Get-Circuit([string] $Url) { @((stella trust status --show-circuit-breaker).Circuits) | Where-Object { $_.Url.TrimEnd('/') -eq $Url } }
    # The runbook's "cd /path/to/tuf; ./scripts/sign-metadata.sh; ./scripts/publish.sh", each line exiting 0.
    function script:Invoke-SignAndPublish {
        foreach ($line in './scripts/sign-metadata.sh', './scripts/publish.sh') {
            $r = Invoke-TestTufScript $t $line
            $r.ExitCode | Should -Be 0 -Because "$line said: $($r.Text)"
        }
    }
}
AfterAll {
    Stop-TestDaemon $script:offline
    Stop-TestDaemon $script:daemon
    Stop-TestTrustEnvironment $script:t
}

Describe 'Scenario 1: Rekor service outage' {
    It 'the daemon takes its logs from the TUF repository: the primary first, the mirror next, and logs to the primary' {
        $backends = @((stella trust status --show-backends).Backends)
        $backends.Url.TrimEnd('/') | Should -Be @($t.Primary.Url, $t.Mirror.Url)
        $backends[0].State | Should -Be 'primary'
        $backends[1].State | Should -Be 'failover 1'
        New-LoggedAttestation 'before-outage' | Out-Null
        Get-TestLogSize $t.Primary | Should -Be 1
        Get-TestLogSize $t.Mirror | Should -Be 0
    }

    It 'the primary is down: stella trust status --show-circuit-breaker shows its circuit open, --show-backends the mirror taking the submissions' {
        Set-TestLogFault $t.Primary @{ down = $true }
        New-LoggedAttestation 'outage' 3 | Out-Null
        Get-TestLogSize $t.Primary | Should -Be 1
        Get-TestLogSize $t.Mirror | Should -Be 3

        $circuit = Get-Circuit $t.Primary.Url
        $circuit.State | Should -Be 'Open'
        $circuit.Message | Should -Match '503'
        (Get-Circuit $t.Mirror.Url).State | Should -Be 'Closed'
        $status = stella trust status --show-circuit-breaker
        ($status | Out-String) | Should -Match 'Open'
        (Get-Backend $t.Mirror.Url).Message | Should -Match '3 logged'
        (stella trust status --show-backends | Out-String) | Should -Match ([regex]::Escape(([uri]$t.Mirror.Url).Authority))
    }

    It 'the swap through TUF (disaster-swap-endpoint.sh, sign-metadata.sh, publish.sh) reaches the running daemon after stella trust sync --force: new attestations go to the new URL with no client step' {
        # The runbook's line, its repository and mirror URL the test's.
        $r = Invoke-TestTufScript $t "./devops/scripts/disaster-swap-endpoint.sh \
            --repo '$($t.Repo)' \
            --new-rekor-url $($t.Mirror.Url) \
            --note `"Emergency: Production Rekor outage `$(date -u)`""
        $r.ExitCode | Should -Be 0 -Because $r.Text
        Invoke-SignAndPublish

        $result = stella trust sync --force
        ($result.Roles | Where-Object Role -eq 'targets').Changed | Should -BeTrue
        # The URLs stay listed; what changed is their windows: the primary's ended, the mirror's opened anew.
        @($result.MaterialChanges -match "^endpoint window changed: tlog $([regex]::Escape($t.Primary.Url))/ v1 \[\S+, open\] -> \[\S+, \S+\]$").Count | Should -Be 1

        # The primary is back, but the signing config no longer names it: submissions go to the new URL only.
        Set-TestLogFault $t.Primary @{ down = $false }
        $backends = @((stella trust status --show-backends).Backends)
        $backends.Url.TrimEnd('/') | Should -Be @($t.Mirror.Url)
        New-LoggedAttestation 'after-swap' 2 | Out-Null
        Get-TestLogSize $t.Mirror | Should -Be 5
        Get-TestLogSize $t.Primary | Should -Be 1
        $hits = @(Search-StellaRekor -After ([DateTimeOffset]::UtcNow.AddMinutes(-5)) -Before ([DateTimeOffset]::UtcNow.AddMinutes(1)) -Subject 'test:after-swap-1')
        $hits.Count | Should -Be 1
        $hits[0].Backend.TrimEnd('/') | Should -Be $t.Mirror.Url
        $hits[0].LogKeyId | Should -Be $t.Mirror.LogId
    }

    It 'recovery: the swap back to the primary, then stella trust sync --force; stella trust status --show-endpoints shows it selected' {
        $r = Invoke-TestTufScript $t "./devops/scripts/disaster-swap-endpoint.sh \
            --repo '$($t.Repo)' \
            --new-rekor-url $($t.Primary.Url) \
            --note `"Recovery: Primary Rekor restored`""
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r = Invoke-TestTufScript $t './scripts/publish.sh'
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Get-Content -Raw (Join-Path $t.Repo 'changelog.jsonl')) | Should -Match 'Recovery: Primary Rekor restored'

        stella trust sync --force | Out-Null
        $status = stella trust status --show-endpoints
        $tlogs = @($status.Endpoints | Where-Object Kind -eq 'tlog')
        @($tlogs | Where-Object Selected).Url.TrimEnd('/') | Should -Be @($t.Primary.Url)
        ($status | Out-String) | Should -Match ([regex]::Escape(([uri]$t.Primary.Url).Authority))
    }

    It 'the primary''s circuit is still open after the swap back: attestations wait in the outbox until stella trust reset-circuits closes it' {
        (Get-Circuit $t.Primary.Url).State | Should -Be 'Open'
        $waiting = stella attest create --type test --subject 'test:after-recovery-1'
        $waiting.Status | Should -Be 'Signed'
        (Get-Backend $t.Primary.Url).Message | Should -Match 'queue depth 1'

        $reset = @(stella trust reset-circuits)
        ($reset | Where-Object { $_.Url.TrimEnd('/') -eq $t.Primary.Url }).CircuitState | Should -Be 'Closed'
        (Get-Circuit $t.Primary.Url).State | Should -Be 'Closed'
        Wait-Logged $waiting.Id
        Get-TestLogSize $t.Primary | Should -Be 2
        Get-TestLogSize $t.Mirror | Should -Be 5
        (Get-Circuit $t.Primary.Url).Message | Should -Match '1 open'
    }
}

Describe 'Scenario 2: Rekor key compromise' {
    BeforeAll {
        $script:secure = Join-Path $t.Root 'secure'
        New-Item -ItemType Directory -Force $secure | Out-Null
        $script:oldKey = $t.Primary.LogId
    }

    It 'entries logged under the old key in the compromise window' {
        $script:windowStart = [DateTimeOffset]::UtcNow
        $script:compromised = New-LoggedAttestation 'compromise-window' 2
        Get-TestLogSize $t.Primary | Should -Be 4
    }

    It 'rotate-rekor-key.sh add-key, sign, publish, stella trust sync --force: the new key is trusted beside the old one' {
        # The Rekor operator's new key: the log comes back at the same URL signing with it (a new tree).
        $port = ([uri]$t.Primary.Url).Port
        Stop-TestLogServer $t.Primary
        $script:rotated = Start-TestLogServer -Directory (Join-Path $t.Root 'logs') -Name rekor-v2 -Port $port
        $t.Logs += $rotated
        $rotated.Url | Should -Be $t.Primary.Url
        $rotated.LogId | Should -Not -Be $oldKey
        Copy-Item $rotated.PublicKeyPem (Join-Path $secure 'new-rekor-key-v2.pub')

        $r = Invoke-TestTufScript $t "./devops/scripts/rotate-rekor-key.sh add-key \
            --repo '$($t.Repo)' \
            --new-key '$secure/new-rekor-key-v2.pub'"
        $r.ExitCode | Should -Be 0 -Because $r.Text
        Invoke-SignAndPublish
        stella trust sync --force | Out-Null
        $keys = @((stella trust status --show-keys).LogKeys)
        $keys.LogId | Should -Contain $rotated.LogId
        $keys.LogId | Should -Contain $oldKey

        $script:afterRotation = New-LoggedAttestation 'new-key' 2
        Get-TestLogSize $rotated | Should -Be 2
    }

    It 'rotate-rekor-key.sh remove-old --old-key-name rekor-key-v1, sign, publish, sync: the old key''s window is closed' {
        $r = Invoke-TestTufScript $t "./devops/scripts/rotate-rekor-key.sh remove-old \
            --repo '$($t.Repo)' \
            --old-key-name rekor-key-v1"
        $r.ExitCode | Should -Be 0 -Because $r.Text
        Invoke-SignAndPublish
        stella trust sync --force | Out-Null
        $old = @((stella trust status --show-keys).LogKeys) | Where-Object LogId -eq $oldKey
        $old.ValidUntil | Should -Not -BeNullOrEmpty
        $script:windowEnd = [DateTimeOffset]::UtcNow
        New-LoggedAttestation 'after-removal' | Out-Null
    }

    It 'stella rekor query --after --before --key-id (the old log key): exactly the entries logged under the old key in the window' {
        $after = $windowStart.ToString('yyyy-MM-ddTHH:mm:ss.fffZ')
        $before = $windowEnd.ToString('yyyy-MM-ddTHH:mm:ss.fffZ')
        $hits = @(stella rekor query \ --after "$after" \ --before "$before" \ --key-id $oldKey)
        @($hits.AttestationId | Sort-Object) | Should -Be @($compromised | Sort-Object)
        $hits.MatchedBy | Sort-Object -Unique | Should -Be 'log-key'
        $hits.LogKeyId | Sort-Object -Unique | Should -Be $oldKey

        $new = @(stella rekor query --after "$after" --before "$before" --key-id $rotated.LogId)
        @($new.AttestationId | Sort-Object) | Should -Be @($afterRotation | Sort-Object)
        # The runbook's own line: its window (January 2026) holds nothing this daemon logged.
        @(stella rekor query \ --after "2026-01-20T00:00:00Z" \ --before "2026-01-25T00:00:00Z" \ --key-id compromised-key-id).Count | Should -Be 0
    }
}

Describe 'Scenario 5: root rotation with a threshold change, imported offline' {
    It 'tuf-ceremony rotate --threshold 3, sign-metadata.sh, publish.sh, stella trust sync --force: the daemon follows the new root' {
        $r = Invoke-TestTufScript $t 'tuf-ceremony rotate --threshold 3'
        $r.ExitCode | Should -Be 0 -Because $r.Text
        Invoke-SignAndPublish
        $result = stella trust sync --force
        ($result.Roles | Where-Object Role -eq 'root').After | Should -Be 2
    }

    It 'stella trust snapshot export --include-root; bootstrap-trust-offline.sh on a daemon with no network refuses it without --force, naming --force, and imports it with --force' {
        $script:offline = Start-TestDaemon -NoEnvironment -NoNetwork
        Initialize-StellaTrust -Endpoint $offline.Endpoint -TufUrl $t.TufUrl -Root $t.RootFile -WarningVariable initWarnings -WarningAction SilentlyContinue | Out-Null
        $initWarnings | Should -Match 'first sync failed'
        (Get-StellaTrustStatus -Endpoint $offline.Endpoint -WarningAction SilentlyContinue).Serving | Should -BeFalse

        Push-Location $t.Root
        try {
            stella trust snapshot export \ --include-root \ --out post-rotation-bundle.tar.zst | Out-Null
        }
        finally { Pop-Location }
        Test-Path (Join-Path $t.Root 'post-rotation-bundle.tar.zst') | Should -BeTrue

        $at = @{ STELLAOPS_ENDPOINT = $offline.Endpoint }
        $r = Invoke-TestTufScript $t -In $t.Root -Variables $at './devops/scripts/bootstrap-trust-offline.sh post-rotation-bundle.tar.zst'
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match '--force'
        ((Get-StellaTrustStatus -Endpoint $offline.Endpoint -WarningAction SilentlyContinue).Roles | Where-Object Role -eq 'root').Version | Should -Be 1

        $r = Invoke-TestTufScript $t -In $t.Root -Variables $at "./devops/scripts/bootstrap-trust-offline.sh \
            post-rotation-bundle.tar.zst \
            --force"
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $status = Get-StellaTrustStatus -Endpoint $offline.Endpoint -ShowEndpoints
        $status.Serving | Should -BeTrue
        ($status.Roles | Where-Object Role -eq 'root').Version | Should -Be 2
        @($status.Endpoints | Where-Object { $_.Kind -eq 'tlog' -and $_.Selected }).Url.TrimEnd('/') | Should -Be @($t.Primary.Url)
    }
}

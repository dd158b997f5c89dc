# Script fidelity of the runbooks' `stella trust …`, `stella trust-anchors …`, `stella rekor …` and `stella verify …`
# lines (004 in full, and those lines of 000-002): each line, verbatim (a runbook's `\` continuations joined on one
# line, <placeholders> filled), is run in the three scopes a script puts it in — a script block, a function and this
# Pester It — with $ErrorActionPreference = 'Stop' set in that scope. A failure must be a terminating error with the
# line's stable id there; -ErrorAction SilentlyContinue on the line suppresses it; -WhatIf on a changing line
# changes nothing (its state is read before and after, and the daemon audited no call); -Verbose narrates.
# Two real daemons: one with no trust configured, one synced from a loopback TUF repository. The end-to-end runbook
# scenarios are Runbook004 / TrustSync / TufRepository tests; these are about scopes and preferences only.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $moduleDir = Split-Path (Get-TestModulePath)
    Add-Type -Path (Join-Path $moduleDir 'BouncyCastle.Cryptography.dll'), (Join-Path $moduleDir 'StellaOps.Ops.Tuf.dll')
    Add-Type -Path (Join-Path $repoRoot 'tests/StellaOps.Ops.TestSupport/bin/Release/net10.0/StellaOps.Ops.TestSupport.dll')

    $script:bare = Start-TestDaemon -NoEnvironment
    $script:trusted = Start-TestDaemon -NoEnvironment
    $script:work = Join-Path $trusted.Root 'scopes'
    New-Item -ItemType Directory -Path $work | Out-Null

    $seeds = Get-Content -Raw (Join-Path $repoRoot 'tests/interop/node_modules/@sigstore/tuf/seeds.json') | ConvertFrom-Json -AsHashtable
    function script:SigningConfig([string] $Selector) {
        $config = [ordered]@{
            mediaType       = 'application/vnd.dev.sigstore.signingconfig.v0.2+json'
            rekorTlogUrls   = @(@{ url = 'https://rekor.sigstore.dev'; majorApiVersion = 1; validFor = @{ start = '2021-01-12T11:53:27Z' }; operator = 'sigstore.dev' })
            rekorTlogConfig = @{ selector = $Selector }
        }
        [Text.Encoding]::UTF8.GetBytes(($config | ConvertTo-Json -Depth 6 -Compress))
    }
    $script:repo = [StellaOps.Ops.TestSupport.Tuf.TufTestRepository]::new((Join-Path $work 'repo'), $null, $true)
    $repo.AddTarget('trusted_root.json', [Convert]::FromBase64String($seeds['https://tuf-repo-cdn.sigstore.dev']['targets']['trusted_root.json'])) | Out-Null
    $repo.AddTarget('signing_config.v0.2.json', (SigningConfig 'ANY')) | Out-Null
    $repo.PublishAsync().GetAwaiter().GetResult()
    $script:server = [StellaOps.Ops.TestSupport.Tuf.LoopbackFileServer]::new($repo.Directory)
    $script:tufUrl = $server.BaseUrl + 'metadata/'
    $rootFile = Join-Path $work 'root.json'
    [IO.File]::WriteAllBytes($rootFile, $repo.InitialRoot)
    Initialize-StellaTrust -Endpoint $trusted.Endpoint -TufUrl $tufUrl -TargetsUrl ($server.BaseUrl + 'targets/') -Root $rootFile | Out-Null
    # A change waiting in the repository: only a sync that really runs takes targets v2.
    $repo.AddTarget('signing_config.v0.2.json', (SigningConfig 'ALL')) | Out-Null
    $repo.PublishAsync().GetAwaiter().GetResult()

    # A signed attestation on the trusted daemon for the verify lines (a software key: no HSM needed).
    Set-StellaConfig -Endpoint $trusted.Endpoint -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
    $key = New-StellaKey -Endpoint $trusted.Endpoint -Name scopes-p256 -Algorithm ecdsa-p256 -Provider Software
    Enable-StellaKey -Endpoint $trusted.Endpoint -Id $key.Id | Out-Null
    $script:digest = 'sha256:' + ('5c' * 32)
    $script:attestation = New-StellaAttestation -Endpoint $trusted.Endpoint -Type test -Subject "release:scopes@$digest"
    $script:anchorPem = Join-Path $work 'old-key.pem'
    Get-StellaPublicKey -Endpoint $trusted.Endpoint -Id $key.Id | Set-Content $anchorPem

    # The runbook lines as written (continuations joined), then with their placeholders filled.
    function script:Expand([string] $Line) {
        $Line.Replace('<attestation-id>', $script:attestation.Id).Replace('<digest>', $script:digest).Replace('<old-key.pem>', $script:anchorPem).Replace('<date>', '2030-01-01')
    }

    # Runs a line with $ErrorActionPreference = 'Stop' set in the given scope; answers the error it ended with, or null.
    function script:Invoke-InScope([string] $Scope, [string] $Line) {
        $code = switch ($Scope) {
            'script block' { "& { `$ErrorActionPreference = 'Stop'; $Line }" }
            'function' { "function Invoke-RunbookLine { `$ErrorActionPreference = 'Stop'; $Line }; Invoke-RunbookLine" }
        }
        try { & ([scriptblock]::Create($code)) | Out-Null; $null } catch { $_ }
    }

    function script:Get-AuditCount([string] $Endpoint, [string] $Rpc) {
        @(Get-StellaLog -Endpoint $Endpoint -Component Audit -Filter $Rpc -First 1000 | Where-Object { $_.Message -like "$Rpc by *" }).Count
    }

    function script:Get-State([string] $Endpoint) {
        $status = Get-StellaTrustStatus -Endpoint $Endpoint -WarningAction SilentlyContinue
        [pscustomobject]@{
            Repository = $status.RepositoryUrl
            Roles      = ($status.Roles | ForEach-Object { "$($_.Role) v$($_.Version)" }) -join ', '
            Attempt    = "$($status.LastAttempt) $($status.LastOutcome)"
            Anchors    = (@(Get-StellaTrustAnchor -Endpoint $Endpoint).Id | Sort-Object) -join ','
        } | ConvertTo-Json -Compress
    }
    Push-Location $work
}
AfterAll {
    Pop-Location
    if ($script:server) { $script:server.Dispose() }
    Stop-TestDaemon $script:bare
    Stop-TestDaemon $script:trusted
    Remove-Item Env:STELLAOPS_ENDPOINT -ErrorAction SilentlyContinue
}

Describe 'A failing line is a terminating error with its stable id in every scope, and -ErrorAction SilentlyContinue suppresses it' {
    It '<Line> (<Daemon>): <Id>' -ForEach @(
        @{ Daemon = 'no trust'; Id = 'TrustNotConfigured'; Line = 'stella trust sync --force' }
        @{ Daemon = 'no trust'; Id = 'TrustNotConfigured'; Line = 'stella trust sync --allow-stale --max-age 7d' }
        @{ Daemon = 'no trust'; Id = 'TrustNotConfigured'; Line = 'stella trust snapshot export \ --include-root \ --out post-rotation-bundle.tar.zst' }
        @{ Daemon = 'no trust'; Id = 'InvalidArgument'; Line = 'stella trust init \ --tuf-url https://trust-mirror.example.com/tuf/ \ --force' }
        @{ Daemon = 'trusted'; Id = 'TrustRepositoryUnavailable'; Line = 'stella trust init \ --tuf-url https://trust-mirror.example.com/tuf/ \ --force' }
        @{ Daemon = 'no trust'; Id = 'AttestationNotFound'; Line = 'stella verify attestation --last' }
        @{ Daemon = 'no trust'; Id = 'AttestationNotFound'; Line = 'stella verify attestation --attestation <attestation-id> --verbose' }
        @{ Daemon = 'no trust'; Id = 'AttestationNotFound'; Line = 'stella verify attestation --attestation <attestation-id>' }
        @{ Daemon = 'no trust'; Id = 'AttestationNotFound'; Line = 'stella verify cert-chain --attestation <attestation-id>' }
        @{ Daemon = 'no trust'; Id = 'AttestationNotFound'; Line = 'stella verify cert --attestation <attestation-id> --show-expiry' }
        @{ Daemon = 'no trust'; Id = 'AttestationNotFound'; Line = 'stella verify artifact --digest <digest>' }
    ) {
        $env:STELLAOPS_ENDPOINT = if ($Daemon -eq 'trusted') { $trusted.Endpoint } else { $bare.Endpoint }
        $text = Expand $Line
        foreach ($scope in 'script block', 'function') {
            $err = Invoke-InScope $scope $text
            $err | Should -Not -BeNullOrEmpty -Because "in a $scope, '$text' must stop"
            $err.FullyQualifiedErrorId | Should -BeLike "$Id,StellaOps.Ops.PowerShell.*" -Because "in a $scope"
        }
        # This It is the third scope.
        $ErrorActionPreference = 'Stop'
        $err = $null
        try { . ([scriptblock]::Create($text)) | Out-Null } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,StellaOps.Ops.PowerShell.*" -Because 'in a Pester It'

        # -ErrorAction on the line wins over the scope's preference.
        $Error.Clear()
        { . ([scriptblock]::Create("$text -ErrorAction SilentlyContinue")) | Out-Null } | Should -Not -Throw
        { & ([scriptblock]::Create("& { `$ErrorActionPreference = 'Stop'; $text -ErrorAction SilentlyContinue }")) | Out-Null } | Should -Not -Throw
        $Error[0].FullyQualifiedErrorId | Should -BeLike "$Id,*" -Because 'SilentlyContinue still records the error in $Error'
    }
}

Describe 'A line that succeeds writes its objects and no error in every scope (trusted daemon)' {
    It '<Line>' -ForEach @(
        @{ Line = 'stella trust status --show-circuit-breaker' }
        @{ Line = 'stella trust status --show-backends' }
        @{ Line = 'stella trust status --show-endpoints' }
        @{ Line = 'stella trust status --show-keys' }
        @{ Line = 'stella rekor query \ --after "2026-01-20T00:00:00Z" \ --before "2026-01-25T00:00:00Z" \ --key-id compromised-key-id' }
        @{ Line = 'stella verify attestation --last' }
        @{ Line = 'stella verify attestation --attestation <attestation-id>' }
        @{ Line = 'stella verify artifact --digest <digest>' }
        @{ Line = 'stella trust-anchors list' }
    ) {
        $env:STELLAOPS_ENDPOINT = $trusted.Endpoint
        $text = Expand $Line
        foreach ($scope in 'script block', 'function') { Invoke-InScope $scope $text | Should -BeNullOrEmpty -Because "in a $scope" }
        $ErrorActionPreference = 'Stop'
        $Error.Clear()
        $out = @(. ([scriptblock]::Create($text)))
        $Error.Count | Should -Be 0
        if ($Line -notlike 'stella rekor query*' -and $Line -notlike 'stella trust-anchors list*') { $out.Count | Should -BeGreaterThan 0 }
    }
}

Describe '-WhatIf on a changing line changes nothing (trusted daemon)' {
    It '<Line> -WhatIf' -ForEach @(
        @{ Line = 'stella trust sync --force'; Rpc = 'tuf.SyncAsync' }
        @{ Line = 'stella trust sync --allow-stale --max-age 7d'; Rpc = 'tuf.SyncAsync' }
        @{ Line = 'stella trust init \ --tuf-url https://trust-mirror.example.com/tuf/ \ --force'; Rpc = 'tuf.InitAsync' }
        @{ Line = 'stella trust reset-circuits'; Rpc = 'tlog.ResetCircuitsAsync' }
        @{ Line = 'stella trust snapshot export \ --include-root \ --out post-rotation-bundle.tar.zst'; Rpc = 'tuf.ExportSnapshotAsync' }
        @{ Line = 'stella trust-anchors add-key --key <old-key.pem> --expires <date>'; Rpc = 'anchors.AddAsync' }
    ) {
        $env:STELLAOPS_ENDPOINT = $trusted.Endpoint
        $text = Expand $Line
        $before = Get-State $trusted.Endpoint
        $audited = Get-AuditCount $trusted.Endpoint $Rpc
        foreach ($form in "$text -WhatIf", "$text --what-if", "& { `$WhatIfPreference = `$true; $text }") {
            $out = @(& ([scriptblock]::Create("& { `$ErrorActionPreference = 'Stop'; $form }")))
            $out | Should -HaveCount 0 -Because "'$form' writes nothing"
        }
        Get-State $trusted.Endpoint | Should -Be $before
        Get-AuditCount $trusted.Endpoint $Rpc | Should -Be $audited -Because 'the daemon was never asked'
        Test-Path (Join-Path $work 'post-rotation-bundle.tar.zst') | Should -BeFalse
    }

    It 'the changing lines really change once run without -WhatIf (so the assertions above could fail)' {
        $env:STELLAOPS_ENDPOINT = $trusted.Endpoint
        $ErrorActionPreference = 'Stop'
        $result = stella trust sync --force
        ($result.Roles | Where-Object Role -eq 'targets').After | Should -Be 2
        stella trust snapshot export \ --include-root \ --out post-rotation-bundle.tar.zst | Out-Null
        Test-Path (Join-Path $work 'post-rotation-bundle.tar.zst') | Should -BeTrue
        Remove-Item (Join-Path $work 'post-rotation-bundle.tar.zst')
        Get-AuditCount $trusted.Endpoint 'tuf.SyncAsync' | Should -BeGreaterThan 0
    }
}

Describe '-Verbose narrates (trusted daemon)' {
    It '<Line> -Verbose' -ForEach @(
        @{ Line = 'stella trust status --show-circuit-breaker' }
        @{ Line = 'stella trust status --show-backends' }
        @{ Line = 'stella trust status --show-endpoints' }
        @{ Line = 'stella trust status --show-keys' }
        @{ Line = 'stella trust sync --force' }
        @{ Line = 'stella trust sync --allow-stale --max-age 7d' }
        @{ Line = 'stella trust reset-circuits' }
        @{ Line = 'stella rekor query \ --after "2026-01-20T00:00:00Z" \ --before "2026-01-25T00:00:00Z" \ --key-id compromised-key-id' }
        @{ Line = 'stella verify attestation --last' }
        @{ Line = 'stella verify artifact --digest <digest>' }
        @{ Line = 'stella trust-anchors list' }
    ) {
        $env:STELLAOPS_ENDPOINT = $trusted.Endpoint
        $text = Expand $Line
        foreach ($form in "$text -Verbose", "$text --verbose", "& { `$VerbosePreference = 'Continue'; $text }") {
            $verbose = @(& ([scriptblock]::Create("& { $form } 4>&1")) | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $verbose.Count | Should -BeGreaterThan 0 -Because "'$form' says what it does"
        }
        $quiet = @(& ([scriptblock]::Create("& { `$VerbosePreference = 'SilentlyContinue'; $text } 4>&1")) | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $quiet | Should -HaveCount 0
    }
}

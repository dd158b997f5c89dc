# Roles with real second Unix users (useradd, run through setpriv) against the trust, trust-sync (TUF) and
# transparency-log RPCs: a reader may read (status, list, verify, search) and may change nothing — every changing
# line is refused with PermissionDenied, audited with the reader's name, and leaves the state as it was; a user in
# no configured group is refused at connect. Last, every Operator method of every contract (RpcContracts.All, by
# reflection) is called by the reader at the RPC level and must be refused and audited: a new mutating method is
# covered the day it lands. tests/StellaOps.Ops.Daemon.Tests/RpcRoleTests.cs checks that each Operator method of the
# trust contracts is also named in $script:RefusedLines below, i.e. has a cmdlet-level refusal test here. A second
# daemon that logs to a real test log (stella-testlog) lets the reader search the log itself (Search-StellaRekor -Log,
# 'stella rekor query ... --log') and be refused -Resubmit of what it found, with nothing queued or audited as done.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $moduleDir = Split-Path (Get-TestModulePath)
    Add-Type -Path (Join-Path $moduleDir 'BouncyCastle.Cryptography.dll'), (Join-Path $moduleDir 'StellaOps.Ops.Tuf.dll')
    Add-Type -Path (Join-Path $repoRoot 'tests/StellaOps.Ops.TestSupport/bin/Release/net10.0/StellaOps.Ops.TestSupport.dll')

    $script:users = Initialize-TestUnixAccounts
    $script:daemon = Start-TestDaemon -Config (Get-TestMultiUserConfig)
    $script:work = Join-Path $daemon.Root 'access'
    New-Item -ItemType Directory -Path $work | Out-Null
    & chmod 755 $work
    function script:Invoke-OpenSsl { $out = & openssl @args 2>&1; if ($LASTEXITCODE -ne 0) { throw "openssl $($args -join ' ') failed: $out" } }

    # Trust sync against a loopback TUF repository whose signing config lists a log: readers have status, keys,
    # endpoints, backends and circuits to read, and operators something to sync, export and reset.
    $seeds = Get-Content -Raw (Join-Path $repoRoot 'tests/interop/node_modules/@sigstore/tuf/seeds.json') | ConvertFrom-Json -AsHashtable
    $signingConfig = [ordered]@{
        mediaType       = 'application/vnd.dev.sigstore.signingconfig.v0.2+json'
        rekorTlogUrls   = @(@{ url = 'https://rekor.sigstore.dev'; majorApiVersion = 1; validFor = @{ start = '2021-01-12T11:53:27Z' }; operator = 'sigstore.dev' })
        rekorTlogConfig = @{ selector = 'ANY' }
    }
    $script:repo = [StellaOps.Ops.TestSupport.Tuf.TufTestRepository]::new((Join-Path $work 'repo'), $null, $true)
    $repo.AddTarget('trusted_root.json', [Convert]::FromBase64String($seeds['https://tuf-repo-cdn.sigstore.dev']['targets']['trusted_root.json'])) | Out-Null
    $repo.AddTarget('signing_config.v0.2.json', [Text.Encoding]::UTF8.GetBytes(($signingConfig | ConvertTo-Json -Depth 6 -Compress))) | Out-Null
    $repo.PublishAsync().GetAwaiter().GetResult()
    $script:server = [StellaOps.Ops.TestSupport.Tuf.LoopbackFileServer]::new($repo.Directory)
    $script:tufUrl = $server.BaseUrl + 'metadata/'
    $rootFile = Join-Path $work 'root.json'
    [IO.File]::WriteAllBytes($rootFile, $repo.InitialRoot)
    Initialize-StellaTrust -TufUrl $tufUrl -TargetsUrl ($server.BaseUrl + 'targets/') -Root $rootFile | Out-Null
    $script:bundle = Join-Path $work 'trust.tar.zst'
    Export-StellaTrustSnapshot -Path $bundle | Out-Null
    & chmod 644 $bundle
    # A change waiting in the repository: a sync by anyone allowed to would take targets v2.
    $repo.AddTarget('signing_config.v0.2.json', [Text.Encoding]::UTF8.GetBytes(($signingConfig | ConvertTo-Json -Depth 6 -Compress).Replace('"ANY"', '"ALL"'))) | Out-Null
    $repo.PublishAsync().GetAwaiter().GetResult()

    # Signing, an attestation, an anchor and an issuer "local" pending approval, all made by root (an operator).
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
    $script:key = New-StellaKey -Name access-p256 -Algorithm ecdsa-p256 -Provider Software
    Enable-StellaKey -Id $key.Id | Out-Null
    $script:digest = 'sha256:' + ('ac' * 32)
    $script:attestation = New-StellaAttestation -Type test -Subject "release:access@$digest"
    $keyPem = Join-Path $work 'issuer-key.pem'
    Get-StellaPublicKey -Id $key.Id | Set-Content $keyPem
    Publish-StellaKey -Id $key.Id | Out-Null
    $script:anchor = Add-StellaTrustAnchor -PublicKey $keyPem
    Update-StellaIssuerKey -Id local -Source (Join-Path $daemon.StateDir 'issuers/local') | Out-Null
    $script:rootPem = Join-Path $work 'root-ca.pem'
    Invoke-OpenSsl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout (Join-Path $work 'root-ca.key') -out $rootPem -days 30 `
        -subj '/CN=Access Test Root' -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'
    $script:otherKeyPem = Join-Path $work 'other-key.pem'
    Invoke-OpenSsl ecparam -name prime256v1 -genkey -noout -out (Join-Path $work 'other.key')
    Invoke-OpenSsl ec -in (Join-Path $work 'other.key') -pubout -out $otherKeyPem
    & chmod 644 $rootPem $otherKeyPem

    # What the reader is refused, as an operator types it, with the RPC the daemon refuses (and audits) for it.
    $script:RefusedLines = @(
        @{ Rpc = 'tuf.InitAsync'; Line = "stella trust init --tuf-url $tufUrl --force" }
        @{ Rpc = 'tuf.SyncAsync'; Line = 'stella trust sync --force' }
        @{ Rpc = 'tuf.ExportSnapshotAsync'; Line = "stella trust snapshot export --include-root --out $work/reader-export.tar.zst" }
        @{ Rpc = 'tuf.ImportSnapshotAsync'; Line = "Import-StellaTrustSnapshot -Path $bundle -Force -Confirm:`$false" }
        @{ Rpc = 'tlog.ResetCircuitsAsync'; Line = 'stella trust reset-circuits' }
        @{ Rpc = 'anchors.AddAsync'; Line = "stella trust-anchors add --cert $rootPem" }
        @{ Rpc = 'anchors.RemoveAsync'; Line = "stella trust-anchors remove $($anchor.Id) -Confirm:`$false" }
        @{ Rpc = 'issuers.ApproveAsync'; Line = 'stella issuer trust local --reason "I am only a reader"' }
        @{ Rpc = 'issuers.RevokeAsync'; Line = 'stella issuer revoke local --reason "I am only a reader" -Confirm:$false' }
        @{ Rpc = 'issuers.FetchAsync'; Line = 'stella issuer keys fetch local' }
        @{ Rpc = 'certs.CreateRequestAsync'; Line = "New-StellaCertificateRequest -KeyId $($key.Id) -Subject 'CN=reader'" }
        @{ Rpc = 'certs.SetAsync'; Line = "Set-StellaKeyCertificate -Id $($key.Id) -Path $rootPem" }
        @{ Rpc = 'certs.UpdateChainAsync'; Line = "stella crypto cert update-chain --key $($key.Id)" }
        @{ Rpc = 'keys.PublishAsync'; Line = "stella issuer keys publish $($key.Id)" }
        @{ Rpc = 'hsm.SetPinAsync'; Line = "Set-StellaHsmPin -Slot primary -CurrentCredential ([pscredential]::new('pin', (ConvertTo-SecureString '11112222' -AsPlainText -Force))) -Credential ([pscredential]::new('pin', (ConvertTo-SecureString '99998888' -AsPlainText -Force))) -Confirm:`$false" }
    )
    # Changing RPCs no cmdlet line can reach as a reader here, with why; the sweep below refuses them at the RPC level.
    # (None now: tlog.ResubmitAsync, once listed here, is refused as a line below, against a daemon that logs to a real test log.)
    $script:RpcOnlyRefusals = @()
    $script:ReadLines = @(
        'stella trust status --show-circuit-breaker', 'stella trust status --show-backends', 'stella trust status --show-endpoints', 'stella trust status --show-keys',
        'stella trust-anchors list', 'stella issuer show local', 'stella issuer trust-status local',
        "stella rekor query --after $([datetimeoffset]::UtcNow.AddDays(-1).ToString('o')) --before $([datetimeoffset]::UtcNow.AddDays(1).ToString('o')) --key-id $($key.Id)",
        "stella verify attestation --attestation $($attestation.Id)", 'stella verify attestation --last', "stella verify artifact --digest $digest"
    )

    # Runs each line as $User in one pwsh; answers per line: objects written, error ids and categories.
    function script:Invoke-LinesAs([string] $User, [string[]] $Lines, [string] $Endpoint = $daemon.Endpoint) {
        $script = @'
param($Module, $Endpoint, $LinesFile)
$ErrorActionPreference = 'Continue'
Import-Module $Module
$env:STELLAOPS_ENDPOINT = $Endpoint
foreach ($line in Get-Content $LinesFile) {
    $Error.Clear()
    $written = 0
    try { & ([scriptblock]::Create($line)) | ForEach-Object { $written++ } } catch { }
    [pscustomobject]@{ Line = $line; Written = $written; Errors = @($Error | ForEach-Object { $_.FullyQualifiedErrorId }); Categories = @($Error | ForEach-Object { "$($_.CategoryInfo.Category)" }); Messages = @($Error | ForEach-Object { "$_" }) } | ConvertTo-Json -Compress
}
'@
        $linesFile = Join-Path $work ("lines-" + [guid]::NewGuid().ToString('n').Substring(0, 8) + '.txt')
        Set-Content -Path $linesFile -Value $Lines
        & chmod 644 $linesFile
        $out = @(Invoke-TestPwshAs -User $User -Directory $work -Script $script -Arguments $Endpoint, $linesFile)
        $answers = @($out | Where-Object { $_ -like '{"Line":*' } | ForEach-Object { $_ | ConvertFrom-Json })
        $answers.Count | Should -Be $Lines.Count -Because ($out -join "`n")
        $answers
    }

    function script:Get-TrustState {
        $status = Get-StellaTrustStatus -ShowBackends -ShowCircuitBreaker
        $issuer = Get-StellaIssuer -Id local
        [pscustomobject]@{
            Repository = $status.RepositoryUrl
            Roles      = ($status.Roles | ForEach-Object { "$($_.Role) v$($_.Version)" }) -join ', '
            Anchors    = (@(Get-StellaTrustAnchor).Id | Sort-Object) -join ','
            Issuer     = "$($issuer.Status) $($issuer.ApprovalCount) $($issuer.DocumentVersion)"
            Attempt    = "$($status.LastAttempt) $($status.LastOutcome)"
        }
    }
}
AfterAll {
    if ($script:server) { $script:server.Dispose() }
    Stop-TestDaemon $script:daemon
}

Describe 'Trust, trust sync and transparency log RPCs by role' -Skip:($IsWindows -or [Environment]::UserName -ne 'root') {
    It 'a reader reads every status, list, verify and search line without an error' {
        $answers = Invoke-LinesAs $users.Reader $ReadLines
        foreach ($a in $answers) {
            # A verification may fail on its own merits (issuer "local" is not approved yet): it is still the reader's to run.
            $allowed = if ($a.Line -like 'stella verify *') { @($a.Errors | Where-Object { $_ -notlike 'PermissionDenied,*' -and $_ -notlike 'Unauthorized,*' }) } else { @() }
            @($a.Errors | Where-Object { $_ -notin $allowed }) | Should -HaveCount 0 -Because "$($a.Line): $($a.Messages -join '; ')"
        }
        ($answers | Where-Object Line -like 'stella trust status --show-keys').Written | Should -Be 1
        ($answers | Where-Object Line -like 'stella verify attestation --attestation *').Written | Should -Be 1
    }

    It 'a reader is refused every changing line: PermissionDenied, audited with the reader''s name, and nothing changed' {
        $before = Get-TrustState
        $answers = Invoke-LinesAs $users.Reader @($RefusedLines | ForEach-Object Line)
        for ($i = 0; $i -lt $RefusedLines.Count; $i++) {
            $a = $answers[$i]
            $because = "$($a.Line): $($a.Messages -join '; ')"
            @($a.Errors).Count | Should -BeGreaterThan 0 -Because $because
            $a.Errors[0] | Should -BeLike 'PermissionDenied,*' -Because $because
            $a.Categories[0] | Should -Be 'PermissionDenied' -Because $because
            $a.Messages[0] | Should -Match 'Nothing was changed'
            $a.Written | Should -Be 0 -Because $because
        }
        $after = Get-TrustState
        ($after | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)
        Test-Path "$work/reader-export.tar.zst" | Should -BeFalse

        $audit = @(Get-StellaLog -Component Audit -Filter $users.Reader -First 500)
        foreach ($line in $RefusedLines) {
            $audit | Where-Object { $_.Message -like "$($line.Rpc) by $($users.Reader)*permission denied*" } | Should -Not -BeNullOrEmpty -Because "the refused $($line.Rpc) is audited"
        }
    }

    It 'the same lines from an operator group member are served (the refusal was the role)' {
        $answers = Invoke-LinesAs $users.Operator @('stella trust sync --force', "stella trust-anchors add --cert $rootPem", 'stella trust reset-circuits')
        foreach ($a in $answers) { @($a.Errors) | Should -HaveCount 0 -Because "$($a.Line): $($a.Messages -join '; ')" }
        ((Get-StellaTrustStatus).Roles | Where-Object Role -eq 'targets').Version | Should -Be 2
        (Get-StellaTrustAnchor).Subject | Should -Contain 'CN=Access Test Root'
        $audit = @(Get-StellaLog -Component Audit -Filter $users.Operator -First 100)
        $audit | Where-Object { $_.Message -like "tuf.SyncAsync by $($users.Operator)* succeeded*" } | Should -Not -BeNullOrEmpty
        $audit | Where-Object { $_.Message -like "anchors.AddAsync by $($users.Operator)* succeeded*" } | Should -Not -BeNullOrEmpty
    }

    It 'a user in no configured group is refused at connect, for reading too' {
        $answers = Invoke-LinesAs $users.Stranger @('stella trust status', 'stella trust-anchors list', 'stella trust sync --force')
        foreach ($a in $answers) {
            $a.Errors[0] | Should -BeLike 'Unauthorized,*' -Because "$($a.Line): $($a.Messages -join '; ')"
            $a.Messages[0] | Should -Match $users.Stranger
            $a.Messages[0] | Should -Match $users.ReadersGroup
        }
    }
}

Describe 'The transparency log itself, searched by a reader' -Skip:($IsWindows -or [Environment]::UserName -ne 'root') {
    BeforeAll {
        # A daemon of its own (the users' groups, as above) that logs to a real test log; someone else logs an entry too.
        $script:tlog = Start-TestLogServer -Directory (Join-Path $work 'tlog') -ApiVersion 1
        $trust = New-TestLogTrustFiles -Log $tlog -Directory (Join-Path $work 'tlog')
        $config = Get-TestMultiUserConfig
        $config.Trust = @{ TrustedRootFile = $trust.TrustedRootFile; SigningConfigFile = $trust.SigningConfigFile }
        $config.Transparency = @{ PollMilliseconds = 100 }
        $script:logDaemon = Start-TestDaemon -Config $config -NoEnvironment
        $script:at = @{ Endpoint = $logDaemon.Endpoint; ErrorAction = 'Stop' }
        Set-StellaConfig @at -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
        $logKey = New-StellaKey @at -Name access-tlog -Algorithm ecdsa-p256 -Provider Software
        Enable-StellaKey @at -Id $logKey.Id | Out-Null
        $script:logged = New-StellaAttestation @at -Type test -Subject "release:access-tlog@sha256:$('ad' * 32)"
        $deadline = [DateTime]::UtcNow.AddSeconds(90)
        while ((Get-StellaAttestation @at -Id $logged.Id).Status -ne 'Logged' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        (Get-StellaAttestation @at -Id $logged.Id).Status | Should -Be 'Logged'
        $foreign = New-TestOpenSslEnvelope -Directory (Join-Path $work 'tlog') -Name foreign
        $envelope = Get-Content -Raw $foreign.Envelope | ConvertFrom-Json | ConvertTo-Json -Depth 5 -Compress
        $pem = Get-Content -Raw $foreign.PublicKeyPem
        $proposal = @{ apiVersion = '0.0.1'; kind = 'dsse'; spec = @{ proposedContent = @{ envelope = $envelope; verifiers = @([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($pem))) } } } | ConvertTo-Json -Depth 6 -Compress
        $null = Invoke-RestMethod -NoProxy -Method Post -Uri "$($tlog.Url)/api/v1/log/entries" -Body $proposal -ContentType 'application/json'
        Get-TestLogSize $tlog | Should -Be 2
        $script:searchWindow = @{ After = [datetimeoffset]::UtcNow.AddHours(-1); Before = [datetimeoffset]::UtcNow.AddHours(1) }
        $window = "--after $($searchWindow.After.ToString('o')) --before $($searchWindow.Before.ToString('o'))"
        $windowParameters = "-After '$($searchWindow.After.ToString('o'))' -Before '$($searchWindow.Before.ToString('o'))'"
        $script:SearchLines = @("Search-StellaRekor $windowParameters -Log", "stella rekor query $window --log")
        # What the reader is refused here: queueing this daemon's attestation to be logged again.
        $script:ReaderLogRefusals = @(
            @{ Rpc = 'tlog.ResubmitAsync'; Line = "Search-StellaRekor $windowParameters -Resubmit -Confirm:`$false" }
            @{ Rpc = 'tlog.ResubmitAsync'; Line = "stella rekor query $window --resubmit -Confirm:`$false" }
        )
    }
    AfterAll {
        Stop-TestDaemon $script:logDaemon
        Stop-TestLogServer $script:tlog
    }

    It 'a reader reads the log itself (-Log and --log): the daemon''s entry and the one it did not write, FromLog' {
        $answers = Invoke-LinesAs $users.Reader $SearchLines -Endpoint $logDaemon.Endpoint
        foreach ($a in $answers) {
            @($a.Errors) | Should -HaveCount 0 -Because "$($a.Line): $($a.Messages -join '; ')"
            # The daemon's own record (its attestation) and the log's entry someone else wrote.
            $a.Written | Should -Be 2 -Because $a.Line
        }
        # Searching is reading: the checkpoint the daemon keeps is its own state, not the reader's change, and is not audited.
        @(Get-StellaLog -Endpoint $logDaemon.Endpoint -Component Audit -Filter $users.Reader -First 100 | Where-Object Message -like 'tlog.Search*') | Should -HaveCount 0
    }

    It 'a reader is refused -Resubmit (and --resubmit): PermissionDenied, audited as refused, nothing queued or done' {
        $before = (Get-StellaAttestation @at -Id $logged.Id).History.Count
        $answers = Invoke-LinesAs $users.Reader @($ReaderLogRefusals | ForEach-Object Line) -Endpoint $logDaemon.Endpoint
        foreach ($a in $answers) {
            $because = "$($a.Line): $($a.Messages -join '; ')"
            $a.Errors[0] | Should -BeLike 'PermissionDenied,*' -Because $because
            $a.Categories[0] | Should -Be 'PermissionDenied' -Because $because
            $a.Messages[0] | Should -Match 'Nothing was changed'
            # The search itself is the reader's: it writes the hit before the resubmission is refused.
            $a.Written | Should -Be 1 -Because $because
        }
        (Get-StellaAttestorStatus @at).Queued | Should -Be 0
        (Get-StellaAttestation @at -Id $logged.Id).Status | Should -Be 'Logged'
        (Get-StellaAttestation @at -Id $logged.Id).History.Count | Should -Be $before
        Get-TestLogSize $tlog | Should -Be 2
        $audit = @(Get-StellaLog @at -Component Audit -Filter $users.Reader -First 100 | Where-Object Message -like "tlog.ResubmitAsync by $($users.Reader)*")
        $audit | Should -Not -BeNullOrEmpty -Because 'the refused tlog.ResubmitAsync is audited'
        $audit | ForEach-Object { $_.Message | Should -BeLike '*permission denied*' }
        $audit | Where-Object Message -like '*succeeded*' | Should -BeNullOrEmpty
    }

    It 'the checkpoint a reader''s search verified is kept: a later rewrite of that entry is refused to the operator too' {
        # Entry 1 (not the daemon's own, whose tree of 1 still holds) rewritten: only the searches' checkpoint of 2 catches it.
        Set-TestLogFault $tlog @{ fork = $true; forkIndex = 1 }
        $errors = $null
        $hits = @(Search-StellaRekor -Endpoint $logDaemon.Endpoint @searchWindow -Log -ErrorVariable errors -ErrorAction SilentlyContinue | Where-Object FromLog)
        $hits | Should -HaveCount 0
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'TransparencyLogInconsistent,*'
        "$($errors[0])" | Should -Match 'the checkpoint a search verified'
    }
}

Describe 'Every Operator method of every contract, called by a reader' -Skip:($IsWindows -or [Environment]::UserName -ne 'root') {
    It 'is refused with PermissionDenied and audited; no Reader method is refused' {
        # The reader's pwsh connects with the module's own client and calls each method through its proxy with
        # empty arguments: the role is checked before anything else, so the arguments do not matter.
        $script = @'
param($Module, $Endpoint)
Import-Module $Module
$none = [Threading.CancellationToken]::None
$client = [StellaOps.Ops.Contracts.Client.OpsClient]::ConnectAsync($Endpoint, 'access-sweep', '1', [TimeSpan]::FromSeconds(10), $none).GetAwaiter().GetResult()
$get = [StellaOps.Ops.Contracts.Client.OpsClient].GetMethod('Get')
foreach ($contract in [StellaOps.Ops.Contracts.Rpc.RpcContracts]::All) {
    $proxy = $get.MakeGenericMethod($contract.Interface).Invoke($client, @())
    foreach ($method in $contract.Interface.GetMethods()) {
        $role = $method.GetCustomAttributes([StellaOps.Ops.Contracts.RequiresRoleAttribute], $true)[0].Role
        # A reader method is only called when it answers at once and changes nothing whatever its arguments.
        if ("$role" -ne 'Operator' -and $method.Name -in 'HandshakeAsync', 'WaitAsync', 'RunAsync', 'TestAsync', 'TestSigningAsync') { continue }
        $parameters = $method.GetParameters()
        $arguments = [object[]]::new($parameters.Count)
        for ($i = 0; $i -lt $parameters.Count; $i++) {
            $type = $parameters[$i].ParameterType
            $arguments[$i] = if ($type -eq [Threading.CancellationToken]) { $none } elseif ($type.IsValueType) { [Activator]::CreateInstance($type) } else { $null }
        }
        $code = 'ok'
        try { $method.Invoke($proxy, $arguments).GetAwaiter().GetResult() | Out-Null }
        catch {
            $e = $_.Exception
            while ($e.InnerException -and ($e -is [System.Management.Automation.MethodInvocationException] -or $e -is [Reflection.TargetInvocationException])) { $e = $e.InnerException }
            $t = [StellaOps.Ops.Contracts.Client.OpsClient]::Translate($e, $Endpoint)
            $code = if ($t -is [StellaOps.Ops.Contracts.OpsException]) { "$($t.Code)" } else { $t.GetType().Name }
        }
        [pscustomobject]@{ Rpc = $contract.Prefix + $method.Name; Role = "$role"; Code = $code } | ConvertTo-Json -Compress
    }
}
'@
        $sweepDir = Join-Path $work 'sweep'
        New-Item -ItemType Directory -Force -Path $sweepDir | Out-Null
        $before = Get-TrustState
        $out = @(Invoke-TestPwshAs -User $users.Reader -Directory $work -Script $script -Arguments $daemon.Endpoint)
        $calls = @($out | Where-Object { $_ -like '{"Rpc":*' } | ForEach-Object { $_ | ConvertFrom-Json })
        $operatorMethods = @([StellaOps.Ops.Contracts.Rpc.RpcContracts]::All | ForEach-Object {
                $c = $_
                $c.Interface.GetMethods() | Where-Object { "$($_.GetCustomAttributes([StellaOps.Ops.Contracts.RequiresRoleAttribute], $true)[0].Role)" -eq 'Operator' } | ForEach-Object { $c.Prefix + $_.Name }
            })
        $operatorMethods | Should -Not -BeNullOrEmpty
        (@($calls | Where-Object Role -eq 'Operator').Rpc | Sort-Object) | Should -Be ($operatorMethods | Sort-Object) -Because ($out -join "`n")
        foreach ($call in $calls) {
            if ($call.Role -eq 'Operator') { $call.Code | Should -Be 'PermissionDenied' -Because "$($call.Rpc) changes state" }
            else { $call.Code | Should -Not -Be 'PermissionDenied' -Because "$($call.Rpc) only reads" }
        }
        $audit = @(Get-StellaLog -Component Audit -Filter $users.Reader -First 1000)
        foreach ($rpc in $operatorMethods) {
            $audit | Where-Object { $_.Message -like "$rpc by $($users.Reader)*" } | Should -Not -BeNullOrEmpty -Because "the refused $rpc is audited"
        }
        ((Get-TrustState) | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)
    }
}

# Transparency log, offline: a bundle exported from a daemon that logged to a real test log (stella-testlog, Rekor
# v1) verifies with no daemon, its inclusion checked from the bundle and -TrustedRoot alone; a tampered proof fails.
# Get-StellaAttestorStatus counts Logged and queued attestations. Search-StellaRekor -Log finds an entry someone else
# wrote directly to the log (not in the daemon's record), caps its read, runs as 'stella rekor query ... --log' (and
# --help lists it), and refuses the log once it forks its history.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:work = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "stella-tlog-$PID-$([guid]::NewGuid().ToString('n').Substring(0, 6))")
    $repoRoot = if ($env:STELLAOPS_REPO_ROOT) { $env:STELLAOPS_REPO_ROOT } else { (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path }
    $logDll = Join-Path $repoRoot 'tests/StellaOps.Ops.TestLogServer/bin/Release/net10.0/stella-testlog.dll'
    if (-not (Test-Path $logDll)) { throw "No test log server at ${logDll}: run 'dotnet pwsh ./build.ps1 build'." }
    $infoFile = Join-Path $work 'log-info.json'
    $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($logDll, '--api', '1', '--info-file', $infoFile)) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $script:logProcess = [Diagnostics.Process]::Start($psi)
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (Test-Path $infoFile) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    $script:log = Get-Content -Raw $infoFile | ConvertFrom-Json
    $trust = New-TestLogTrustFiles -Log $log -Directory $work
    $script:trustedRoot = $trust.TrustedRootFile
    $script:daemon = Start-TestDaemon -Config @{
        Trust        = @{ TrustedRootFile = $trust.TrustedRootFile; SigningConfigFile = $trust.SigningConfigFile }
        Transparency = @{ PollMilliseconds = 100 }
    }
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
    $script:key = stella keys generate --type signing --algorithm ecdsa-p256
    $script:pem = Join-Path $work 'key.pem'
    (stella keys show $key.Id --public) | Set-Content $pem
    $script:signed = stella attest create --type test --subject "test:tlog@sha256:$('cd' * 32)"
    $deadline = [DateTime]::UtcNow.AddSeconds(90)
    while ((Get-StellaAttestation -Id $signed.Id).Status -ne 'Logged' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
    $script:bundle = Join-Path $work 'logged.sigstore.json'
    Export-StellaAttestation -Id $signed.Id -Path $bundle -Format SigstoreBundle | Out-Null
    $script:nowhere = Join-Path $work 'no-daemon.sock'
}
AfterAll {
    Stop-TestDaemon $script:daemon
    if ($script:logProcess -and -not $script:logProcess.HasExited) { $script:logProcess.Kill(); $script:logProcess.WaitForExit(5000) | Out-Null }
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'a logged attestation' {
    It 'is Logged, and Get-StellaAttestorStatus counts it as Logged with none queued' {
        (Get-StellaAttestation -Id $signed.Id).Status | Should -Be 'Logged'
        $status = Get-StellaAttestorStatus
        $status.Logged | Should -Be 1
        $status.Queued | Should -Be 0
        ($status | Out-String) | Should -Match 'Logged\s*:\s*1'
        ($status | Out-String) | Should -Match 'Queued\s*:\s*0'
    }
}

Describe 'offline: Test-StellaAttestation -Path with -TrustedRoot checks the log entry with no daemon' {
    It 'verifies the exported bundle''s inclusion from the bundle and the trusted root alone' {
        $r = Test-StellaAttestation -Path $bundle -TrustedKey $pem -TrustedRoot $trustedRoot -Endpoint $nowhere -WarningAction SilentlyContinue
        $r.Verified | Should -BeTrue
        $check = $r.Checks | Where-Object Name -eq 'transparency-log'
        $check.Status | Should -Be 'Pass'
        $check.Reason | Should -Match 'inclusion in the signed checkpoint'
        $r.TrustSources | Should -Contain "-TrustedRoot $trustedRoot"
    }
    It 'takes the verified v1 entry''s integrated time as the signing time, and shows where it came from' {
        $r = Test-StellaAttestation -Path $bundle -TrustedKey $pem -TrustedRoot $trustedRoot -Endpoint $nowhere -WarningAction SilentlyContinue
        $integrated = [DateTimeOffset]::FromUnixTimeSeconds([long](Get-Content -Raw $bundle | ConvertFrom-Json).verificationMaterial.tlogEntries[0].integratedTime)
        $r.SigningTimeSource | Should -Be 'TransparencyLog'
        $r.SigningTime | Should -Be $integrated
        ($r | Format-List | Out-String) | Should -Match 'SigningTime\s*:.*\(TransparencyLog: the integrated time of a verified Rekor v1 entry'
    }
    It 'fails a bundle whose inclusion proof was tampered with, naming the transparency-log check' {
        $json = Get-Content -Raw $bundle | ConvertFrom-Json -AsHashtable
        $json.verificationMaterial.tlogEntries[0].inclusionProof.rootHash = [Convert]::ToBase64String([byte[]]::new(32))
        $tampered = Join-Path $work 'tampered.sigstore.json'
        $json | ConvertTo-Json -Depth 20 -Compress | Set-Content -Path $tampered -Encoding utf8
        $r = Test-StellaAttestation -Path $tampered -TrustedKey $pem -TrustedRoot $trustedRoot -Endpoint $nowhere -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $r.Verified | Should -BeFalse
        ($r.Checks | Where-Object Name -eq 'transparency-log').Status | Should -Be 'Fail'
        $errs[0].FullyQualifiedErrorId | Should -Match 'TransparencyLogEntryRejected'
        { Test-StellaAttestation -Path $tampered -TrustedKey $pem -TrustedRoot $trustedRoot -Endpoint $nowhere -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Throw
    }
    It 'without a trusted root that lists the log, the entry does not verify' {
        $empty = Join-Path $work 'no-logs.json'
        (Get-Content -Raw $trustedRoot | ConvertFrom-Json -AsHashtable) | ForEach-Object { $_.tlogs = @(); $_ } | ConvertTo-Json -Depth 8 | Set-Content -Path $empty -Encoding utf8
        $r = Test-StellaAttestation -Path $bundle -TrustedKey $pem -TrustedRoot $empty -Endpoint $nowhere -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $r.Verified | Should -BeFalse
        ($r.Checks | Where-Object Name -eq 'transparency-log').Reason | Should -Match 'no transparency log is trusted'
    }
    It 'an unreadable -TrustedRoot is a clear error' {
        $junk = Join-Path $work 'junk.json'
        Set-Content -Path $junk -Value '{"mediaType": 1}'
        $null = Test-StellaAttestation -Path $bundle -TrustedKey $pem -TrustedRoot $junk -Endpoint $nowhere -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        "$($errs[0])" | Should -Match "-TrustedRoot '.*junk.json' is not a readable Sigstore trusted_root.json"
    }
}

Describe 'Search-StellaRekor -Log reads the log itself' {
    BeforeAll {
        # Someone else logs a DSSE envelope of their own key directly to the log, as Rekor v1 takes it.
        $foreign = [Security.Cryptography.ECDsa]::Create([Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        $spki = $foreign.ExportSubjectPublicKeyInfo()
        $script:foreignKeyId = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($spki)).ToLowerInvariant()
        $payload = [Text.Encoding]::UTF8.GetBytes('{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"not-ours","digest":{"sha256":"' + ('ab' * 32) + '"}}],"predicateType":"https://example.test/p","predicate":{}}')
        $type = 'application/vnd.in-toto+json'
        $pae = [Text.Encoding]::UTF8.GetBytes("DSSEv1 $($type.Length) $type $($payload.Length) ") + $payload
        $sig = $foreign.SignData([byte[]]$pae, [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.DSASignatureFormat]::Rfc3279DerSequence)
        $envelope = @{ payloadType = $type; payload = [Convert]::ToBase64String($payload); signatures = @(@{ keyid = ''; sig = [Convert]::ToBase64String($sig) }) } | ConvertTo-Json -Compress -Depth 5
        $pem = "-----BEGIN PUBLIC KEY-----`n$([Convert]::ToBase64String($spki, 'InsertLineBreaks'))`n-----END PUBLIC KEY-----`n"
        $proposal = @{ apiVersion = '0.0.1'; kind = 'dsse'; spec = @{ proposedContent = @{ envelope = $envelope; verifiers = @([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($pem))) } } } | ConvertTo-Json -Depth 6 -Compress
        $null = Invoke-RestMethod -Method Post -Uri "$($log.url.TrimEnd('/'))/api/v1/log/entries" -Body $proposal -ContentType 'application/json'
        $script:window = @{ After = [DateTimeOffset]::UtcNow.AddHours(-1); Before = [DateTimeOffset]::UtcNow.AddHours(1) }
    }
    It 'finds the entry someone else wrote, marked FromLog, and the daemon''s record alone does not' {
        $record = @(Search-StellaRekor @window)
        $record.Count | Should -Be 1
        $record[0].AttestationId | Should -Be $signed.Id
        $record[0].FromLog | Should -BeFalse

        $verbose = $null
        $all = @(Search-StellaRekor @window -Log -Verbose 4>&1 | Tee-Object -Variable verbose | Where-Object { $_ -is [StellaOps.Ops.Contracts.Rpc.TlogSearchHit] })
        $all.Count | Should -Be 2
        $fromLog = @($all | Where-Object FromLog)
        $fromLog.Count | Should -Be 1
        $fromLog[0].LogIndex | Should -Be 1
        $fromLog[0].SigningKeyId | Should -Be $foreignKeyId
        $fromLog[0].AttestationId | Should -BeNullOrEmpty
        $said = ($verbose | Where-Object { $_ -is [Management.Automation.VerboseRecord] }) -join "`n"
        $said | Should -Match ([regex]::Escape("Read log $($log.url)"))
        $said | Should -Match 'checkpoint of 2 entries verified, consistent with the checkpoint of 1 the daemon verified last; entries 0 to 1 read \(2, 1 of them written by this daemon\)'
        ($all | Out-String) | Should -Match '(?m)^log\s'

        $byKey = @(Search-StellaRekor @window -Log -KeyId $foreignKeyId.Substring(0, 12))
        $byKey.Count | Should -Be 1
        $byKey[0].MatchedBy | Should -Be 'signing-key'
    }
    It 'caps the read and warns with the -StartIndex to go on from' {
        $hits = @(Search-StellaRekor @window -Log -MaxEntries 1 -WarningVariable warned -WarningAction SilentlyContinue | Where-Object FromLog)
        $hits.Count | Should -Be 0
        "$warned" | Should -Match ([regex]::Escape("-StartIndex 1"))
        $next = @(Search-StellaRekor @window -Log -Backend $log.url -StartIndex 1 -MaxEntries 1 | Where-Object FromLog)
        $next.Count | Should -Be 1
        { Search-StellaRekor @window -StartIndex 1 -ErrorAction Stop } | Should -Throw '*add -Log*'
    }
    It 'runs as the runbook line (stella rekor query ... --log), whose --help lists the flags' {
        $help = @(stella rekor query --help)
        $help.Count | Should -Be 1
        $help[0] | Should -BeOfType ([string])
        $help[0] | Should -Match '(?m)^Usage: stella rekor query .*\[--log\] \[--backend <value>\] \[--start-index <value>\] \[--max-entries <value>\]$'
        $help[0] | Should -Match '(?m)^  --log\s+-Log$'
        $help[0] | Should -Match 'Get-Help Search-StellaRekor -Full'
        $after, $before = $window.After.ToString('o'), $window.Before.ToString('o')
        $line = @(stella rekor query --after $after --before $before --log | Where-Object FromLog)
        $line.Count | Should -Be 1
        $line[0].LogIndex | Should -Be 1
        $next = @(stella rekor query --after $after --before $before --log --backend $log.url --start-index 1 --max-entries 1 | Where-Object FromLog)
        $next.Count | Should -Be 1
        @(stella rekor query --after $after --before $before --log --start-index 2 | Where-Object FromLog).Count | Should -Be 0
    }
    It 'refuses a log that forked its history with a SecurityError, honouring -ErrorAction' {
        Invoke-RestMethod -Method Post -Uri "$($log.url.TrimEnd('/'))/_test/faults" -Body '{"fork":true}' -ContentType 'application/json' | Out-Null
        $hits = @(Search-StellaRekor @window -Log -ErrorVariable errs -ErrorAction SilentlyContinue)
        @($hits | Where-Object FromLog).Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $errs[0].FullyQualifiedErrorId | Should -Match '^TransparencyLogInconsistent'
        "$($errs[0])" | Should -Match 'append-only'
        { Search-StellaRekor @window -Log -ErrorAction Stop } | Should -Throw '*append-only*'
    }
}

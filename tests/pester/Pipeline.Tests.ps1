# Issue 10, item 3: every cmdlet that streams pipeline input to the daemon (Pipeline/RequestPipeline) behaves the same
# under the same faults: a refused caller (a reader for a changing cmdlet, a user in no group for Test-StellaAttestation,
# which readers may run) and a killed daemon end the command with one error, a bad item is one
# error in its place with every other item written in input order, and Stop (Ctrl+C) ends the command while the
# daemon does not answer. Real daemon, real socket, real second Unix users (setpriv), a hosted runspace for Stop.
BeforeDiscovery {
    # What each cmdlet streams: a good item (from its index and a tag that keeps attestation subjects new), a bad item
    # the daemon refuses on its own, and how an output names the item it answers (to check the order).
    $script:cases = @(
        @{
            Cmdlet = 'Invoke-StellaSign'
            Good   = 'param($i, $tag) "sha256:{0:x64}" -f $i'
            Bad    = 'sha256:nothex'
            Name   = 'param($o) $o.Source'
            BadId  = 'InvalidArgument'
            Refused = 'Reader'
            RefusedId = 'PermissionDenied'
        }
        @{
            Cmdlet = 'New-StellaAttestation'
            Good   = 'param($i, $tag) [pscustomobject]@{ Type = "test"; Subject = "test:pipeline-$tag-$i" }'
            # A control character in the type: the daemon refuses that request alone (InputText).
            Bad    = [pscustomobject]@{ Type = "bad`ttype"; Subject = 'test:pipeline-bad' }
            Name   = 'param($o) $o.Subjects[0].Name'
            BadId  = 'InvalidArgument'
            Refused = 'Reader'
            RefusedId = 'PermissionDenied'
        }
        @{
            Cmdlet  = 'Test-StellaAttestation'
            # Stored signed attestations, made in BeforeAll and named in the environment, so that the reader's pwsh
            # (setpriv keeps the environment) and the hosted runspace read them too.
            Good    = 'param($i, $tag) $ids = $env:STELLA_PIPELINE_VERIFY_IDS -split ","; $ids[$i % $ids.Count]'
            # An id no attestation has: the daemon answers that item alone with AttestationNotFound.
            Bad     = 'ffffffffffffffffffffffffffffffff'
            Name    = 'param($o) $o.Source'
            BadId   = 'AttestationNotFound'
            # Readers may verify: the refused caller is a user in no configured group.
            Refused = 'Stranger'
            RefusedId = 'Unauthorized'
        }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:users = Initialize-TestUnixAccounts
    $script:daemon = Start-TestDaemon -Config (Get-TestMultiUserConfig)
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
    Enable-StellaKey -Id (New-StellaKey -Name pipeline-p256 -Algorithm ecdsa-p256 -Provider Software).Id | Out-Null
    $env:STELLA_PIPELINE_VERIFY_IDS = @(1..16 | ForEach-Object { "test:pipeline-verify-$_" } | New-StellaAttestation -Type test).Id -join ','

    function script:Get-Items([string] $Good, [int] $Count, [string] $Tag, [int] $BadAt = -1, $Bad = $null) {
        $make = [scriptblock]::Create($Good)
        foreach ($i in 1..$Count) { if ($i -eq $BadAt) { $Bad } else { & $make $i $Tag } }
    }
    function script:Get-Tag { [guid]::NewGuid().ToString('n').Substring(0, 8) }
}

AfterAll {
    Stop-TestDaemon $script:daemon
    Remove-Item Env:STELLA_PIPELINE_VERIFY_IDS -ErrorAction SilentlyContinue
}

Describe '<Cmdlet> streams through the one request pipeline' -ForEach $cases -Skip:($IsWindows -or [Environment]::UserName -ne 'root') {
    It 'a refused caller''s call ends the command with one error, not one per batch' {
        $user = $users.$Refused
        $refusedId = $RefusedId
        $work = Join-Path $daemon.Root 'reader'
        New-Item -ItemType Directory -Force -Path $work | Out-Null
        # 600 items: three batches; each would be refused the same way.
        $script = @"
param(`$Module, `$Endpoint, `$Cmdlet, `$Good)
`$ErrorActionPreference = 'Continue'
Import-Module `$Module
`$make = [scriptblock]::Create(`$Good)
`$items = foreach (`$i in 1..600) { & `$make `$i 'reader' }
`$Error.Clear()
`$terminating = `$false
`$written = 0
try { `$items | & `$Cmdlet -Endpoint `$Endpoint | ForEach-Object { `$written++ } } catch { `$terminating = `$true }
[pscustomobject]@{ Written = `$written; Terminating = `$terminating; Errors = @(`$Error | ForEach-Object { `$_.FullyQualifiedErrorId }); Category = @(`$Error | ForEach-Object { "`$(`$_.CategoryInfo.Category)" }) } | ConvertTo-Json -Compress
"@
        $lines = @(Invoke-TestPwshAs -User $user -Directory $work -Script $script -Arguments $daemon.Endpoint, $Cmdlet, $Good)
        $report = $lines[-1] | ConvertFrom-Json
        $report.Written | Should -Be 0
        @($report.Errors) | Should -HaveCount 1 -Because ($lines -join "`n")
        $report.Errors[0] | Should -BeLike "$refusedId,*"
        $report.Category[0] | Should -Be 'PermissionDenied'
        $report.Terminating | Should -BeTrue
    }

    It 'a bad item is one error in its place, and every other item is written in input order' {
        $tag = Get-Tag
        $items = @(Get-Items $Good 600 $tag -BadAt 300 -Bad $Bad)
        $all = @($items | & $Cmdlet -ErrorAction Continue 2>&1)
        $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike "$BadId,*"
        # Input order: the error stands where the bad item stood.
        [array]::IndexOf($all, $errors[0]) | Should -Be 299
        $name = [scriptblock]::Create($Name)
        $written = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] } | ForEach-Object { & $name $_ })
        $expected = @(Get-Items $Good 600 $tag | Select-Object -Index (@(0..298) + @(300..599)) | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Subject } })
        $written | Should -HaveCount 599
        ($written -join ',') | Should -Be ($expected -join ',')
    }

    It 'a daemon killed mid-stream ends the command with one lost-connection error' {
        $tag = Get-Tag
        $make = [scriptblock]::Create($Good)
        $process = $daemon.Process
        # The generator kills the daemon after two batches' worth of items and goes on producing.
        $generator = { foreach ($i in 1..1500) { if ($i -eq 600) { $process.Kill(); $process.WaitForExit() }; & $make $i $tag } }
        $Error.Clear()
        $terminating = $false
        $written = 0
        try { & $generator | & $Cmdlet | ForEach-Object { $written++ } } catch { $terminating = $true }
        $ids = @($Error | ForEach-Object { $_.FullyQualifiedErrorId })
        $Error.Clear()
        try {
            $ids | Should -HaveCount 1
            $ids[0] | Should -BeLike 'Unavailable,*'
            $terminating | Should -BeTrue
            $written | Should -BeLessThan 1500
        }
        finally { Restart-TestDaemon $daemon }
    }

    It 'Stop (Ctrl+C) in a hosted runspace ends the command while the daemon does not answer, and the session keeps working' {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $ps = [powershell]::Create($runspace)
        try {
            $tag = Get-Tag
            [void]$ps.AddScript('param($Module, $Endpoint, $Cmdlet, $Good, $Tag) Import-Module $Module; $make = [scriptblock]::Create($Good); & { foreach ($i in 1..200000) { & $make $i $Tag } } | & $Cmdlet -Endpoint $Endpoint').
                AddArgument((Get-TestModulePath)).AddArgument($daemon.Endpoint).AddArgument($Cmdlet).AddArgument($Good).AddArgument($tag)
            $in = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $in.Complete()
            $out = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $async = $ps.BeginInvoke($in, $out)
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($out.Count -eq 0 -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            # (Never expand $ps.Streams here: a PSDataCollection's enumerator waits until the command has ended.)
            $out.Count | Should -BeGreaterThan 0 -Because 'answers come back before the daemon is stopped'

            # The daemon stops answering (SIGSTOP): the command waits for answers that do not come, until Stop.
            & kill -STOP $daemon.Process.Id
            try {
                $stopping = $ps.StopAsync($null, $null)
                # A bound only so that a hang fails the test instead of the run.
                $stopping.Wait([TimeSpan]::FromSeconds(60)) | Should -BeTrue -Because 'Stop must end the command without an answer from the daemon'
            }
            finally { & kill -CONT $daemon.Process.Id }
            $ps.InvocationStateInfo.State | Should -Be 'Stopped' -Because "$($ps.InvocationStateInfo.Reason)"

            # The same session (runspace, cached connection) goes on working.
            $again = [powershell]::Create()
            $again.Runspace = $runspace
            [void]$again.AddScript('param($Endpoint, $Cmdlet, $Good, $Tag) $make = [scriptblock]::Create($Good); 1..3 | ForEach-Object { & $make $_ "$Tag-again" } | & $Cmdlet -Endpoint $Endpoint').
                AddArgument($daemon.Endpoint).AddArgument($Cmdlet).AddArgument($Good).AddArgument($tag)
            $result = $again.Invoke()
            $again.Streams.Error | Should -BeNullOrEmpty
            $result | Should -HaveCount 3
            $again.Dispose()
        }
        finally {
            $ps.Dispose()
            $runspace.Dispose()
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'Invoke-StellaDoctor' {
    It 'runs one check and returns a Pass result with Check, Status, Message and Evidence' {
        $r = @(Invoke-StellaDoctor -Check check.daemon.storage)
        $r.Count | Should -Be 1
        $r[0] | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.DoctorResult])
        $r[0].Check | Should -Be 'check.daemon.storage'
        $r[0].Status | Should -Be 'Pass'
        $r[0].Message | Should -Not -BeNullOrEmpty
        $r[0].Evidence.Count | Should -BeGreaterThan 0
    }
    It 'runs every check when none is named' {
        @(Invoke-StellaDoctor).Check | Should -Contain 'check.daemon.endpoint'
    }
    It 'takes check ids from Get-StellaDoctorCheck through the pipeline' {
        @(Get-StellaDoctorCheck check.daemon.* | Invoke-StellaDoctor).Count | Should -Be @(Get-StellaDoctorCheck check.daemon.*).Count
    }
    It 'a check the runbooks name that this release does not have is NotImplemented; an unknown one NotFound with a next step that exists' {
        Invoke-StellaDoctor -Check check.transparency.submission-health -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'NotImplemented,StellaOps.Ops.PowerShell.Doctor.InvokeStellaDoctorCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'NotImplemented'
        $errs[0].TargetObject | Should -Be 'check.transparency.submission-health'
        $errs[0].Exception.Message | Should -Match 'not implemented yet in this release\. It will check the Rekor submission failure rate'
        Invoke-StellaDoctor -Check check.attestor.signing-healt -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'NotFound,StellaOps.Ops.PowerShell.Doctor.InvokeStellaDoctorCommand'
        $errs[0].Exception.Message | Should -Match "Did you mean 'check\.attestor\.signing-health'"
        $errs[0].ErrorDetails.RecommendedAction | Should -Be "Run 'Get-StellaDoctorCheck' to list the checks this daemon has."
    }
    It 'completes check ids' {
        $line = 'Invoke-StellaDoctor -Check check.daemon.st'
        $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $c.CompletionMatches.CompletionText | Should -Contain 'check.daemon.storage'
    }
}

Describe 'Get-StellaDoctorCheck' {
    It 'lists the checks and names the closest id for a typo' {
        @(Get-StellaDoctorCheck).Check | Should -Contain 'check.daemon.storage'
        Get-StellaDoctorCheck check.daemon.storag -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].Exception.Message | Should -Match 'check.daemon.storage'
    }
}

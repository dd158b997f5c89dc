BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
}
AfterAll { Stop-TestDaemon $script:daemon }

Describe 'Get-StellaAttestorStatus' {
    It 'returns the attestor status with the daemon status (version, uptime, endpoint, caller role, capabilities) inside' {
        $s = Get-StellaAttestorStatus
        $s | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.AttestorStatus])
        $s.SigningMode | Should -BeIn 'hsm', 'software'
        $d = $s.Daemon
        $d | Should -BeOfType ([StellaOps.Ops.Contracts.Rpc.DaemonStatus])
        $d.Version | Should -Not -BeNullOrEmpty
        $d.Endpoint | Should -Be $script:daemon.Endpoint
        $d.ProcessId | Should -Be $script:daemon.Process.Id
        $d.Caller.Role | Should -BeIn 'Operator', 'Reader'
        @($d.Capabilities).Count | Should -BeGreaterThan 0
        $text = $s | Out-String
        $text | Should -Match 'SigningMode\s*:'
        $text | Should -Match 'Role\s*:'
    }
    It 'honours -Endpoint over $env:STELLAOPS_ENDPOINT' {
        $saved = $env:STELLAOPS_ENDPOINT
        try {
            $env:STELLAOPS_ENDPOINT = '/nonexistent/opsd.sock'
            (Get-StellaAttestorStatus -Endpoint $script:daemon.Endpoint).Daemon.ProcessId | Should -Be $script:daemon.Process.Id
        }
        finally { $env:STELLAOPS_ENDPOINT = $saved }
    }
    It 'Connect-StellaDaemon returns the handshake with the caller' {
        $h = Connect-StellaDaemon
        $h.ProtocolVersion | Should -Be ([StellaOps.Ops.Contracts.Protocol]::Version)
        $h.Caller.UserName | Should -Not -BeNullOrEmpty
    }
}

Describe 'Daemon not running' {
    It 'fails with a terminating ConnectionError that says how to start the daemon' {
        $missing = Join-Path ([System.IO.Path]::GetTempPath()) "sop-none-$PID.sock"
        $err = $null
        try { Get-StellaConfig -Endpoint $missing -ErrorAction Stop; } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'Unavailable,StellaOps.Ops.PowerShell.Config.GetStellaConfigCommand'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.Exception.Message | Should -Match ([regex]::Escape($missing))
        $err.ErrorDetails.RecommendedAction | Should -Match 'systemctl start stellaops-opsd'
        $err.ErrorDetails.RecommendedAction | Should -Match 'build.ps1 start'
    }
    It 'stops the command: later statements of a script still run only when the error is caught' {
        $missing = Join-Path ([System.IO.Path]::GetTempPath()) "sop-none-$PID.sock"
        { Invoke-StellaReload -Endpoint $missing -Confirm:$false } | Should -Throw -ErrorId 'Unavailable,StellaOps.Ops.PowerShell.Daemon.InvokeStellaReloadCommand'
    }
}

# Issue 9, item 1, as a PowerShell user meets it: another user listens on the socket path the module talks to.
# The module must refuse before it sends anything (Set-StellaHsmPin would send both PINs), with a SecurityError.
# The other user is 'nobody'; the fake server is perl (in every Debian base system), so no test build is needed.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    # Binds the path, says 'listening', takes one connection and reports how many bytes arrived first (0: the client
    # hung up without sending anything).
    $script:FakeServer = @'
use IO::Socket::UNIX;
my $path = shift;
my $server = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $path, Listen => 1) or die "bind $path: $!";
chmod 0777, $path;
$| = 1;
print "listening\n";
my $client = $server->accept;
my $n = sysread($client, my $buffer, 65536);
print "received ", ($n // 0), "\n";
unlink $path;
'@

    function Start-FakeServer([string] $Path) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new('setpriv')
        foreach ($a in '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', 'perl', '-e', $script:FakeServer, $Path) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.UseShellExecute = $false
        $p = [System.Diagnostics.Process]::Start($psi)
        $p.StandardOutput.ReadLine() | Should -Be 'listening'
        $p
    }

    function Get-FakeServerReport($Process) {
        $report = $Process.StandardOutput.ReadToEnd()
        $Process.WaitForExit(60000) | Should -BeTrue
        $report.Trim()
    }
}

Describe 'A socket another user serves' -Skip:($IsWindows -or [Environment]::UserName -ne 'root') {
    BeforeEach {
        $script:dir = Join-Path ([System.IO.Path]::GetTempPath()) "sop-hijack-$PID-$([guid]::NewGuid().ToString('n').Substring(0, 6))"
        New-Item -ItemType Directory -Path $script:dir | Out-Null
        & chown nobody:nogroup $script:dir
        $script:socket = Join-Path $script:dir 'opsd.sock'
        $script:pin = [pscredential]::new('pin', (ConvertTo-SecureString '87654321' -AsPlainText -Force))
    }
    AfterEach { Remove-Item -Recurse -Force $script:dir -ErrorAction SilentlyContinue }

    It 'Set-StellaHsmPin sends no PIN: a terminating SecurityError that names the user serving the socket' {
        $server = Start-FakeServer $script:socket
        $err = $null
        try { Set-StellaHsmPin -Slot primary -CurrentCredential $script:pin -Credential $script:pin -Endpoint $script:socket -Confirm:$false -ErrorAction Stop }
        catch { $err = $_ }

        Get-FakeServerReport $server | Should -Be 'received 0'
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'UntrustedPeer,StellaOps.Ops.PowerShell.Hsm.SetStellaHsmPinCommand'
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $err.Exception.Message | Should -Match 'runs as nobody'
        $err.Exception.Message | Should -Match 'nothing was sent'
        $err.ErrorDetails.RecommendedAction | Should -Match 'STELLAOPS_DAEMON_USER'
    }

    It 'talks to that user only when $env:STELLAOPS_DAEMON_USER names it' {
        $server = Start-FakeServer $script:socket
        $saved = $env:STELLAOPS_DAEMON_USER
        try {
            $env:STELLAOPS_DAEMON_USER = 'nobody'
            try { Get-StellaConfig -Endpoint $script:socket -ErrorAction Stop } catch { $_.FullyQualifiedErrorId | Should -Not -Match '^UntrustedPeer' }
        }
        finally { $env:STELLAOPS_DAEMON_USER = $saved }
        Get-FakeServerReport $server | Should -Not -Be 'received 0'
    }
}

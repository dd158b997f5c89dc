using System.Text.Json;

namespace StellaOps.Ops.SystemdTests;

/// <summary>The shipped unit, sysusers and tmpfiles entries and install-service.ps1 under a real systemd.</summary>
[Collection("systemd")]
public sealed class ServiceUnitTests(ServiceFixture service)
{
    private SystemdNamespace Ns => service.Ns;

    [SystemdFact]
    public void Install_LeavesTheServiceEnabledAndRunning()
    {
        Assert.Equal("loaded", Ns.Property(ServiceFixture.Unit, "LoadState"));
        Assert.Equal("enabled", Ns.Property(ServiceFixture.Unit, "UnitFileState"));
        Assert.Equal("notify", Ns.Property(ServiceFixture.Unit, "Type"));
        Assert.Equal("/etc/systemd/system/stellaops-opsd.service", Ns.Property(ServiceFixture.Unit, "FragmentPath"));
        service.EnsureRunning();
        Assert.Equal("running", Ns.Property(ServiceFixture.Unit, "SubState"));
    }

    [SystemdFact]
    public void InstallAgain_ChangesNothing_AndKeepsTheServiceRunning()
    {
        service.EnsureRunning();
        var pid = service.MainPid;
        var again = Ns.Run("dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-File", "scripts/install-service.ps1", "-SourcePath", ServiceFixture.DaemonSource, "-Verbose");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("is running and up to date", again.Output);
        Assert.Equal(pid, service.MainPid);
    }

    [SystemdFact]
    public void Start_ReturnsOnlyOnceTheSocketAnswers()
    {
        Ns.Must("systemctl", "stop", ServiceFixture.Unit);
        Assert.False(File.Exists(Ns.HostPath(ServiceFixture.Socket)), "the socket outlived the stop");
        // Type=notify: systemctl start returns after READY=1, which the daemon sends once its socket listens.
        // So the very first connection right after it must answer, with no retry.
        Ns.Must("systemctl", "start", ServiceFixture.Unit);
        var (exit, output) = service.Probe("root", "handshake");
        Assert.True(exit == 0, output);
        Assert.Equal("Operator", Json(output).GetProperty("role").GetString());
    }

    [SystemdFact]
    public void Socket_BelongsToTheServiceUser_AndOnlyItsGroupReachesIt()
    {
        service.EnsureRunning();
        Assert.Equal("stellaops:stellaops 660 socket", Ns.Must("stat", "-c", "%U:%G %a %F", ServiceFixture.Socket).Trim());
        Assert.Equal("stellaops:stellaops 750", Ns.Must("stat", "-c", "%U:%G %a", "/run/stellaops").Trim());
        Assert.Equal("stellaops", Ns.Must("ps", "-o", "user=", "-p", service.MainPid).Trim());
    }

    [SystemdFact]
    public void RoleGroups_MakeAReaderAndAnOperator_AndKeepStrangersOut()
    {
        service.EnsureRunning();
        var reader = service.Probe(ServiceFixture.Reader, "handshake");
        Assert.True(reader.ExitCode == 0, reader.Output);
        Assert.Equal("Reader", Json(reader.Output).GetProperty("role").GetString());
        Assert.Equal(ServiceFixture.Reader, Json(reader.Output).GetProperty("user").GetString());

        var op = service.Probe(ServiceFixture.Operator, "handshake");
        Assert.True(op.ExitCode == 0, op.Output);
        Assert.Equal("Operator", Json(op.Output).GetProperty("role").GetString());

        // Readers cannot change anything; operators can.
        var readerSet = service.Probe(ServiceFixture.Reader, "set", "keys.alerts.expiring_days", "21");
        Assert.Equal(3, readerSet.ExitCode);
        Assert.Equal("PermissionDenied", Json(readerSet.Output).GetProperty("code").GetString());
        var opSet = service.Probe(ServiceFixture.Operator, "set", "keys.alerts.expiring_days", "21");
        Assert.True(opSet.ExitCode == 0, opSet.Output);

        // Not in the stellaops group: /run/stellaops (0750) keeps the socket out of reach.
        var stranger = service.Probe(ServiceFixture.Stranger, "handshake");
        Assert.Equal(3, stranger.ExitCode);
        Assert.False(Json(stranger.Output).GetProperty("ok").GetBoolean());
    }

    [SystemdFact]
    public void KilledMainProcess_IsRestartedBySystemd()
    {
        service.EnsureRunning();
        var before = service.MainPid;
        var restarts = int.Parse(Ns.Property(ServiceFixture.Unit, "NRestarts"));
        Ns.Must("kill", "-9", before);
        Ns.WaitUntil(() => Ns.Property(ServiceFixture.Unit, "ActiveState") == "active" && service.MainPid is var p && p != before && p != "0",
            "systemd restarts the killed daemon (Restart=on-failure)");
        Assert.Equal(restarts + 1, int.Parse(Ns.Property(ServiceFixture.Unit, "NRestarts")));
        var (exit, output) = service.Probe(ServiceFixture.Reader, "handshake");
        Assert.True(exit == 0, output);
    }

    [SystemdFact]
    public void StopBySigterm_LosesNothing_AndEndsCleanly()
    {
        service.EnsureRunning();
        var id = service.Pwsh("""
            if (-not (Get-StellaKey | Where-Object Status -eq Active)) { New-StellaKey -Provider Software -Name "systemd-test-$(Get-Random)" | Enable-StellaKey | Out-Null }
            (New-StellaAttestation -Type test -Subject 'systemd:stop-start').Id
            """).Trim().Split('\n')[^1].Trim();
        Assert.False(string.IsNullOrEmpty(id));

        Ns.Must("systemctl", "stop", ServiceFixture.Unit);
        // KillSignal=SIGTERM: the daemon stopped by itself (exit 0), not killed after the timeout.
        Assert.Equal("success", Ns.Property(ServiceFixture.Unit, "Result"));
        Assert.Equal("0", Ns.Property(ServiceFixture.Unit, "ExecMainStatus"));
        Ns.Must("systemctl", "start", ServiceFixture.Unit);

        var after = service.Pwsh($"(Get-StellaAttestation -Id '{id}').Id").Trim();
        Assert.EndsWith(id, after);
    }

    [SystemdFact]
    public void Journal_HoldsTheDaemonsLines_WithTheirPriorities()
    {
        service.EnsureRunning();
        // A warning of the daemon's own: a doctor check that is not Pass is logged at Warning.
        service.TryPwsh("Invoke-StellaDoctor | Out-Null");
        Ns.WaitUntil(() => Ns.Run("journalctl", "--no-pager", "-u", ServiceFixture.Unit, "-p", "warning", "-g", "Doctor").ExitCode == 0,
            "journalctl -u stellaops-opsd shows the daemon's warnings");
        var lines = Ns.Must("journalctl", "--no-pager", "-u", ServiceFixture.Unit, "-o", "json").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("_PID", out _) && e.GetProperty("SYSLOG_IDENTIFIER").GetString() == "stella-opsd")
            .ToList();
        Assert.NotEmpty(lines);
        // The systemd console format: journald took the <N> prefix as the priority, and it is not left in the text.
        Assert.DoesNotContain(lines, e => e.GetProperty("MESSAGE").ValueKind == JsonValueKind.String && e.GetProperty("MESSAGE").GetString()!.StartsWith('<'));
        Assert.Contains(lines, e => e.GetProperty("PRIORITY").GetString() == "6");
        Assert.Contains(lines, e => e.GetProperty("PRIORITY").GetString() == "4" && e.GetProperty("MESSAGE").GetString()!.Contains("Doctor"));
    }

    private static JsonElement Json(string output)
        => JsonDocument.Parse(output.Split('\n').Last(l => l.TrimStart().StartsWith('{'))).RootElement;
}

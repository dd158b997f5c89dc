using System.Text.Json;

namespace StellaOps.Ops.SystemdTests;

/// <summary>Get-/Start-/Stop-/Restart-StellaService over D-Bus (org.freedesktop.systemd1) against the real systemd.</summary>
[Collection("systemd")]
public sealed class ServiceControlTests(ServiceFixture service)
{
    private SystemdNamespace Ns => service.Ns;

    [SystemdFact]
    public void GetStellaService_ReportsWhatSystemdKnows()
    {
        service.EnsureRunning();
        var s = Json(service.Pwsh("Get-StellaService | ConvertTo-Json -Compress"));
        Assert.Equal("stellaops-opsd.service", s.GetProperty("Name").GetString());
        Assert.Equal("active", s.GetProperty("ActiveState").GetString());
        Assert.Equal("running", s.GetProperty("SubState").GetString());
        Assert.Equal("loaded", s.GetProperty("LoadState").GetString());
        Assert.Equal("enabled", s.GetProperty("UnitFileState").GetString());
        Assert.Equal(service.MainPid, s.GetProperty("MainPid").GetInt32().ToString());
        Assert.Equal(Ns.Property(ServiceFixture.Unit, "Result"), s.GetProperty("Result").GetString());
        Assert.Equal(Ns.Property(ServiceFixture.Unit, "NRestarts"), s.GetProperty("Restarts").GetInt32().ToString());
        Assert.NotEqual(JsonValueKind.Null, s.GetProperty("Since").ValueKind);
    }

    [SystemdFact]
    public void StopStartRestart_ChangeTheUnit_AndWhatIfChangesNothing()
    {
        service.EnsureRunning();
        var pid = service.MainPid;
        var whatIf = service.Pwsh("Stop-StellaService -WhatIf; Restart-StellaService -WhatIf");
        Assert.Contains("stellaops-opsd.service", whatIf);
        Assert.Equal(pid, service.MainPid);

        var stopped = Json(service.Pwsh("Stop-StellaService -PassThru -Confirm:$false | ConvertTo-Json -Compress"));
        Assert.Equal("inactive", stopped.GetProperty("ActiveState").GetString());
        Assert.Equal(0, stopped.GetProperty("MainPid").GetInt32());
        Assert.Equal("inactive", Ns.Property(ServiceFixture.Unit, "ActiveState"));

        var started = Json(service.Pwsh("Start-StellaService -PassThru | ConvertTo-Json -Compress"));
        Assert.Equal("active", started.GetProperty("ActiveState").GetString());
        Assert.Equal(service.MainPid, started.GetProperty("MainPid").GetInt32().ToString());
        // Started means ready (Type=notify): the socket answers at once.
        Assert.Equal(0, service.Probe(ServiceFixture.Reader, "handshake").ExitCode);

        var before = service.MainPid;
        var restarted = Json(service.Pwsh("Get-StellaService | Restart-StellaService -PassThru | ConvertTo-Json -Compress"));
        Assert.Equal("active", restarted.GetProperty("ActiveState").GetString());
        Assert.NotEqual(before, restarted.GetProperty("MainPid").GetInt32().ToString());
        Assert.Equal(service.MainPid, restarted.GetProperty("MainPid").GetInt32().ToString());
    }

    [SystemdFact]
    public void UnknownUnit_IsAnObjectNotFoundError()
    {
        var output = service.Pwsh("""
            Get-StellaService -Name no-such-unit -ErrorAction SilentlyContinue -ErrorVariable e | Out-Null
            "$($e[0].FullyQualifiedErrorId)|$($e[0].CategoryInfo.Category)"
            """);
        Assert.Contains("NotFound,StellaOps.Ops.PowerShell.Service.GetStellaServiceCommand|ObjectNotFound", output);
    }

    [SystemdFact]
    public void NonRootCaller_IsRefusedBySystemd_WithAPermissionDeniedErrorNamingTheFix()
    {
        service.EnsureRunning();
        var pid = service.MainPid;
        // The operator may change the daemon, not the service: systemd (polkit) refuses a start or stop by anyone but
        // root. pwsh's own folder is under root's home (0700), and the clone may be too (a mktemp -d checkout is 0700):
        // bind-mount both where the user can read them.
        var psHome = service.Pwsh("$PSHOME").Trim().Split('\n')[^1].Trim();
        Ns.Must("sh", "-c", $"mountpoint -q /tmp/pwsh || {{ mkdir -p /tmp/pwsh && mount --bind '{psHome}' /tmp/pwsh; }}");
        var moduleDirectory = Path.GetDirectoryName(ServiceFixture.ModulePath)!;
        Ns.Must("sh", "-c", $"mountpoint -q /tmp/stellaops-module || {{ mkdir -p /tmp/stellaops-module && mount --bind '{moduleDirectory}' /tmp/stellaops-module; }}");
        var readableModule = Path.Combine("/tmp/stellaops-module", Path.GetFileName(ServiceFixture.ModulePath));
        var (exit, output) = Ns.RunAs(ServiceFixture.Operator, "dotnet", "/tmp/pwsh/pwsh.dll", "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", $$"""
            Import-Module '{{readableModule}}' -ErrorAction Stop
            "state|$((Get-StellaService).ActiveState)"
            foreach ($verb in 'Stop', 'Start', 'Restart') {
                & "$verb-StellaService" -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable e
                "$verb|$($e[0].FullyQualifiedErrorId)|$($e[0].CategoryInfo.Category)|$($e[0].Exception.Message)|$($e[0].ErrorDetails.RecommendedAction)"
            }
            try { Stop-StellaService -Confirm:$false -ErrorAction Stop; 'not refused' } catch { "stop-caught|$($_.FullyQualifiedErrorId)" }
            """);
        Assert.True(exit == 0, output);
        // Reading is allowed: the operator sees the unit.
        Assert.Contains("state|active", output);
        foreach (var verb in new[] { "Stop", "Start", "Restart" })
        {
            var line = output.Split('\n').Single(l => l.StartsWith(verb + "|", StringComparison.Ordinal)).Trim().Split('|');
            Assert.Equal($"PermissionDenied,StellaOps.Ops.PowerShell.Service.{verb}StellaServiceCommand", line[1]);
            Assert.Equal("PermissionDenied", line[2]);
            Assert.Contains($"systemd refused to {verb.ToLowerInvariant()} stellaops-opsd.service for {ServiceFixture.Operator}", line[3]);
            Assert.Contains($"sudo systemctl {verb.ToLowerInvariant()} stellaops-opsd.service", line[4]);
        }
        Assert.Contains("stop-caught|PermissionDenied,StellaOps.Ops.PowerShell.Service.StopStellaServiceCommand", output);
        // Nothing happened to the service.
        Assert.Equal("active", Ns.Property(ServiceFixture.Unit, "ActiveState"));
        Assert.Equal(pid, service.MainPid);
    }

    private static JsonElement Json(string output)
        => JsonDocument.Parse(output.Split('\n').Last(l => l.TrimStart().StartsWith('{'))).RootElement;
}

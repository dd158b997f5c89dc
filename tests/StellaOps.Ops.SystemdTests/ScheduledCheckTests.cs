using System.Text.Json;

namespace StellaOps.Ops.SystemdTests;

/// <summary>Register-/Get-/Unregister-StellaScheduledCheck: systemd timers that run doctor checks through the daemon.</summary>
[Collection("systemd")]
public sealed class ScheduledCheckTests(ServiceFixture service)
{
    private SystemdNamespace Ns => service.Ns;

    [SystemdFact]
    public void PassingCheck_RunsOnTheTimer_IntoTheJournalAndTheEventLog()
    {
        service.EnsureRunning();
        var registered = Json(service.Pwsh("Register-StellaScheduledCheck -Check check.daemon.storage -Every 2s -Name storage | ConvertTo-Json -Compress"));
        Assert.Equal("stellaops-check-storage.timer", registered.GetProperty("Unit").GetString());
        Assert.Equal("active", registered.GetProperty("State").GetString());
        Assert.Equal("enabled", registered.GetProperty("Enabled").GetString());
        Assert.Equal("check.daemon.storage", registered.GetProperty("Checks")[0].GetString());

        // The timer fires and the run succeeds: its result line is in the journal.
        Ns.WaitUntil(() => Ns.Run("journalctl", "--no-pager", "-u", "stellaops-check-storage.service", "-g", "check.daemon.storage: Pass").ExitCode == 0,
            "the timer ran the check and the journal has its result", "stellaops-check-storage.service");
        var listed = Json(service.Pwsh("Get-StellaScheduledCheck -Name storage | Select-Object *, @{ n = 'EveryText'; e = { \"$($_.Every)\" } } -ExcludeProperty Every | ConvertTo-Json -Compress"));
        Assert.Equal("success", listed.GetProperty("LastResult").GetString());
        Assert.False(listed.GetProperty("Failed").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("LastRun").ValueKind);
        Assert.Equal("2s", listed.GetProperty("EveryText").GetString());

        // The daemon's event log has the run too.
        var events = service.Pwsh("Get-StellaLog -Component Doctor | Where-Object Message -like 'Doctor run:*check.daemon.storage Pass*' | Measure-Object | ForEach-Object Count");
        Assert.NotEqual("0", events.Trim().Split('\n')[^1].Trim());

        service.Pwsh("Unregister-StellaScheduledCheck -Name storage -Confirm:$false");
    }

    [SystemdFact]
    public void FailingCheck_FailsTheRun_AndSystemctlStatusShowsIt()
    {
        service.EnsureRunning();
        // A staged gap: no active signing key, so check.attestor.key-expiration fails.
        service.Pwsh("Get-StellaKey | Where-Object Status -eq Active | Revoke-StellaKey -Reason 'systemd test: a gap for the scheduled check' -Confirm:$false | Out-Null");
        service.Pwsh("Register-StellaScheduledCheck -Check check.attestor.key-expiration -Every 10s -Name keys | Out-Null");
        // The timer keeps firing: catch the unit between two runs, failed.
        var status = "";
        Ns.WaitUntil(() => (status = Ns.Run("systemctl", "--no-pager", "status", "stellaops-check-keys.service").Output).Contains("failed (Result: exit-code)"),
            "the failing check made the run fail", "stellaops-check-keys.service");
        Assert.Contains("status=1/FAILURE", status);
        Assert.Contains("check.attestor.key-expiration: Fail", status);
        var listed = Json(service.Pwsh("Get-StellaScheduledCheck keys | ConvertTo-Json -Compress"));
        Assert.True(listed.GetProperty("Failed").GetBoolean());
        Assert.Equal("exit-code", listed.GetProperty("LastResult").GetString());
        Assert.Equal(1, listed.GetProperty("LastExitCode").GetInt32());

        service.Pwsh("Unregister-StellaScheduledCheck -Name keys -Confirm:$false");
    }

    [SystemdFact]
    public void Unregister_RemovesTheTimer_AndWhatIfKeepsIt()
    {
        service.Pwsh("Register-StellaScheduledCheck -Check check.daemon.endpoint -Every 1h -Name gone | Out-Null");
        service.Pwsh("Unregister-StellaScheduledCheck -Name gone -WhatIf");
        Assert.Equal("active", Ns.Property("stellaops-check-gone.timer", "ActiveState"));

        service.Pwsh("Get-StellaScheduledCheck -Name gone | Unregister-StellaScheduledCheck -Confirm:$false");
        Assert.Equal("not-found", Ns.Property("stellaops-check-gone.timer", "LoadState"));
        Assert.False(File.Exists(Ns.HostPath("/etc/systemd/system/stellaops-check-gone.timer")));
        var missing = service.Pwsh("""
            Get-StellaScheduledCheck -Name gone -ErrorAction SilentlyContinue -ErrorVariable e
            "$($e[0].FullyQualifiedErrorId)|$($e[0].CategoryInfo.Category)"
            """);
        Assert.Contains("ScheduledCheckNotFound,StellaOps.Ops.PowerShell.Service.GetStellaScheduledCheckCommand|ObjectNotFound", missing);
    }

    private static JsonElement Json(string output)
        => JsonDocument.Parse(output.Split('\n').Last(l => l.TrimStart().StartsWith('{'))).RootElement;
}

using System.Text.Json;
using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.SystemdTests;

/// <summary>
/// The compliance pack's "signing test in the schedule" item (Invoke-StellaCompliance) judged against real systemd
/// timers made by Register-StellaScheduledCheck: failing with the fix before one is registered, passing once its
/// timer is waiting and has fired, failing again when the timer is stopped.
/// </summary>
[Collection("systemd")]
public sealed class ComplianceScheduleTests(ServiceFixture service)
{
    private SystemdNamespace Ns => service.Ns;

    private const string Item = "signing test is in the health-check schedule";

    private static string PesterPath => Path.Combine(RepositoryRoot.Path, ".tools", "psmodules", "pester", "6.2.0", "tools", "Pester.psd1");

    /// <summary>The pack's one item, run in the namespace: its Result and Message.</summary>
    private (string Result, string Message) RunItem()
    {
        var r = Json(service.Pwsh($$"""
            if (-not (Get-Module Pester)) { Import-Module '{{PesterPath}}' }
            Invoke-StellaCompliance -Test '{{Item}}' | Select-Object Test, Result, Message | ConvertTo-Json -Compress
            """));
        Assert.Contains(Item, r.GetProperty("Test").GetString());
        return (r.GetProperty("Result").GetString()!, r.GetProperty("Message").GetString() ?? "");
    }

    [SystemdFact]
    public void SigningTestInTheSchedule_PassesOnlyWithARegisteredTimerThatFired()
    {
        service.EnsureRunning();
        // The signing test needs an active signing key (another test revokes it for a gap of its own).
        service.Pwsh("if (-not (Get-StellaKey | Where-Object Status -eq Active)) { New-StellaKey -Provider Software -Name \"systemd-compliance-$(Get-Random)\" | Enable-StellaKey | Out-Null }");

        var (before, beforeMessage) = RunItem();
        Assert.Equal("Failed", before);
        Assert.Contains("is not in the schedule", beforeMessage);
        Assert.Contains("Fix: Register-StellaScheduledCheck -Check check.attestor.signing-health -Every 15m", beforeMessage);

        service.Pwsh("Register-StellaScheduledCheck -Check check.attestor.signing-health -Every 3s -Name signing | Out-Null");
        try
        {
            // The timer fired and its run passed: the result line is in the journal and systemd recorded the run.
            Ns.WaitUntil(() => Ns.Run("journalctl", "--no-pager", "-u", "stellaops-check-signing.service", "-g", "check.attestor.signing-health: Pass").ExitCode == 0,
                "the timer ran the signing test and it passed", "stellaops-check-signing.service");
            Assert.NotEqual("0", Ns.Property("stellaops-check-signing.timer", "LastTriggerUSecMonotonic"));
            var (after, afterMessage) = RunItem();
            Assert.True(after == "Passed", afterMessage);

            // A gap: the timer stopped (the unit files still there). The item fails, naming the fix.
            Ns.Must("systemctl", "stop", "stellaops-check-signing.timer");
            var (stopped, stoppedMessage) = RunItem();
            Assert.Equal("Failed", stopped);
            Assert.Contains("stellaops-check-signing.timer is inactive", stoppedMessage);
            Assert.Contains("Fix: Register-StellaScheduledCheck -Check check.attestor.signing-health -Every 15m -Name signing", stoppedMessage);
        }
        finally
        {
            service.Pwsh("Unregister-StellaScheduledCheck -Name signing -Confirm:$false");
        }
    }

    private static JsonElement Json(string output)
        => JsonDocument.Parse(output.Split('\n').Last(l => l.TrimStart().StartsWith('{'))).RootElement;
}

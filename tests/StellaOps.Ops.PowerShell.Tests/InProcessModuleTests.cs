using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Daemon;

namespace StellaOps.Ops.PowerShell.Tests;

/// <summary>
/// A diagnostic cmdlet that exists only in this test assembly: it holds a daemon request open (system.wait) with
/// progress, so the base class's cancellation and progress marshalling can be exercised on a real daemon.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "StellaTestOperation")]
[OutputType(typeof(int))]
public sealed class WaitStellaTestOperationCommand : StellaCmdlet
{
    [Parameter(Mandatory = true)]
    public Duration Duration { get; set; }

    protected override void ProcessRecord()
    {
        var r = InvokeForItem<object>(async (c, progress, ct) => await c.System.WaitAsync(Duration, progress, ct), null, "Waiting");
        if (r is not null) WriteObject(r);
    }
}

public class InProcessModuleTests : IClassFixture<DaemonFixture>
{
    private readonly DaemonFixture _daemon;

    public InProcessModuleTests(DaemonFixture daemon) => _daemon = daemon;

    private static Runspace OpenRunspace()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.Commands.Add(new SessionStateCmdletEntry("Wait-StellaTestOperation", typeof(WaitStellaTestOperationCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Get-StellaAttestorStatus", typeof(GetStellaAttestorStatusCommand), null));
        var rs = RunspaceFactory.CreateRunspace(iss);
        rs.Open();
        return rs;
    }

    [Fact]
    public void StopCancelsTheRequestOnTheDaemonAndTheSessionKeepsWorking()
    {
        using var rs = OpenRunspace();
        using var ps = System.Management.Automation.PowerShell.Create(rs);
        ps.AddCommand("Wait-StellaTestOperation").AddParameter("Duration", Duration.Parse("60s")).AddParameter("Endpoint", _daemon.Endpoint);
        using var gotProgress = new ManualResetEventSlim();
        ps.Streams.Progress.DataAdded += (_, _) => gotProgress.Set();

        var async = ps.BeginInvoke();
        Assert.True(gotProgress.Wait(TimeSpan.FromSeconds(20)), "no progress record arrived from the daemon's system.wait");
        var progress = ps.Streams.Progress[0];
        Assert.NotEqual(ProgressRecordType.Completed, progress.RecordType);

        var sw = Stopwatch.StartNew();
        ps.Stop();
        sw.Stop();
        Assert.True(async.IsCompleted);
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {sw.Elapsed}");

        // The daemon keeps serving, on the same cached connection of this runspace.
        using var again = System.Management.Automation.PowerShell.Create(rs);
        var status = again.AddCommand("Get-StellaAttestorStatus").AddParameter("Endpoint", _daemon.Endpoint).Invoke<AttestorStatus>();
        Assert.False(again.HadErrors, string.Join("; ", again.Streams.Error));
        Assert.Equal(_daemon.Process.Id, Assert.Single(status).Daemon.ProcessId);
        Assert.False(_daemon.Process.HasExited);
    }

    [Fact]
    public void ProgressReachesThePipelineThreadAndTheResultFlows()
    {
        using var rs = OpenRunspace();
        using var ps = System.Management.Automation.PowerShell.Create(rs);
        var result = ps.AddCommand("Wait-StellaTestOperation").AddParameter("Duration", Duration.Parse("1500ms")).AddParameter("Endpoint", _daemon.Endpoint).Invoke();
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
        Assert.Single(result);
        Assert.NotEmpty(ps.Streams.Progress);
        Assert.Equal(ProgressRecordType.Completed, ps.Streams.Progress[^1].RecordType);
    }

    [Fact]
    public void NumbersPowerShellReadFromRunbookSuffixesGetTheirTextBack()
    {
        using var rs = OpenRunspace();
        using var ps = System.Management.Automation.PowerShell.Create(rs);
        ps.AddScript("function f { [StellaOps.Ops.PowerShell.Dispatch.ArgumentText]::Recover($args, $MyInvocation) }\nf keys config set rotation.before_expiry 30d 60s 1h 14 \\");
        var texts = ps.Invoke().Select(o => o.BaseObject.ToString()).ToArray();
        Assert.Equal(new[] { "keys", "config", "set", "rotation.before_expiry", "30d", "60s", "1h", "14", "\\" }, texts);

        // Without a usable invocation: the suffix the type implies.
        Assert.Equal(new[] { "60s", "30d", "7" }, StellaOps.Ops.PowerShell.Dispatch.ArgumentText.Recover([(short)60, 30m, 7], null));
    }
}

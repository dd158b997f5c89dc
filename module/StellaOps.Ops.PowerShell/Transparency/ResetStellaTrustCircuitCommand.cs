using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Transparency;

/// <summary>
/// Reset-StellaTrustCircuit (<c>stella trust reset-circuits</c>): closes the circuit breaker of one transparency-log
/// backend (-Backend, its URL) or of all, once the log is back, so submissions return to it (audited by the daemon).
/// </summary>
[Cmdlet(VerbsCommon.Reset, "StellaTrustCircuit", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(TlogBackendInfo))]
public sealed class ResetStellaTrustCircuitCommand : StellaCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    [ValidateNotNullOrEmpty]
    public string? Backend { get; set; }

    protected override void ProcessRecord()
    {
        var target = Backend ?? "every transparency-log backend";
        if (!ShouldProcess(target, "Close the circuit breaker (submissions go to it again)")) return;
        var reset = InvokeForItem((c, _, ct) => c.Tlog.ResetCircuitsAsync(Backend, ct), target);
        if (reset is null) return;
        foreach (var b in reset) WriteObject(b);
    }
}

using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Hsm;

/// <summary>
/// Test-StellaHsm: probes the HSMs. Ping (session probe) and Connectivity (library, slot, token, login) run on each
/// member; Sign makes a real test signature through the failover group. Without -Operation all three run, so
/// `stella crypto hsm test` is the complete check. Every result is written; each failed one is then also a
/// non-terminating error with the daemon's typed error (code, message, next step), so `-ErrorAction Stop` and `$?` work in scripts.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "StellaHsm")]
[OutputType(typeof(HsmTestResult))]
public sealed class TestStellaHsmCommand : StellaCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public HsmTestOperation[] Operation { get; set; } = [HsmTestOperation.Ping, HsmTestOperation.Connectivity, HsmTestOperation.Sign];

    protected override void ProcessRecord()
    {
        var failed = new List<HsmTestResult>();
        foreach (var op in Operation)
        {
            var results = InvokeForItem((c, _, ct) => c.Hsm.TestAsync(op, ct), op.ToString(), $"HSM {op} test");
            if (results is null) continue;
            foreach (var r in results)
            {
                WriteVerbose($"{r.Hsm} {r.Operation}: {(r.Success ? "ok" : "FAILED")} in {r.Latency.TotalMilliseconds:0.0} ms. {r.Message}");
                WriteObject(r);
                if (!r.Success) failed.Add(r);
            }
        }
        // After the objects, so a script sees every member's outcome before the errors.
        foreach (var r in failed) WriteOpsError(HsmResultError.Of(r.Error, r.Hsm, r.Message), r);
    }
}

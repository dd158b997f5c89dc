using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Hsm;

/// <summary>
/// Test-StellaHsmLogin: checks that each HSM accepts the daemon's configured PIN source (stella crypto hsm auth verify).
/// Every result is written; each failed login is then also a non-terminating error (HsmPinIncorrect, HsmPinLocked, …).
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "StellaHsmLogin")]
[OutputType(typeof(HsmLoginResult))]
public sealed class TestStellaHsmLoginCommand : StellaCmdlet
{
    protected override void ProcessRecord()
    {
        var results = InvokeForItem((c, _, ct) => c.Hsm.TestLoginAsync(ct), "hsm");
        if (results is null) return;
        WriteObject(results, enumerateCollection: true);
        foreach (var r in results.Where(r => !r.Success)) WriteOpsError(HsmResultError.Of(r.Error, r.Hsm, r.Message), r);
    }
}

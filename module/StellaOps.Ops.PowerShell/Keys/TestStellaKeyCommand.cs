using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Test-StellaKey: signs random data with the key and verifies it with the public key.</summary>
[Cmdlet(VerbsDiagnostic.Test, "StellaKey")]
[OutputType(typeof(KeyTestResult))]
public sealed class TestStellaKeyCommand : StellaKeyIdCmdlet
{
    [Parameter]
    public KeyOperation Operation { get; set; } = KeyOperation.Sign;

    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            var result = InvokeForItem((c, _, ct) => c.Keys.TestAsync(id, Operation, ct), id);
            if (result is not null) WriteObject(result);
        }
    }
}

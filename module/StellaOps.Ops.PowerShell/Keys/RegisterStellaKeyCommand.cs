using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Register-StellaKey: registers the key for a purpose (attestation-signing).</summary>
[Cmdlet(VerbsLifecycle.Register, "StellaKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KeyInfo))]
public sealed class RegisterStellaKeyCommand : StellaKeyIdCmdlet
{
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompletions("attestation-signing")]
    public string Purpose { get; set; } = "";

    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            if (!ShouldProcess(id, $"Register the key for '{Purpose}'")) continue;
            var key = InvokeForItem((c, _, ct) => c.Keys.RegisterAsync(id, Purpose, ct), id);
            if (key is not null) WriteObject(key);
        }
    }
}

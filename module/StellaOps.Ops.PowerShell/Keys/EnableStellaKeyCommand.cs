using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Enable-StellaKey: makes the key the active one for its purpose; the previous active key becomes inactive.</summary>
[Cmdlet(VerbsLifecycle.Enable, "StellaKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KeyInfo))]
public sealed class EnableStellaKeyCommand : StellaKeyIdCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            if (!ShouldProcess(id, "Activate the key (the current active key for its purpose becomes inactive)")) continue;
            var key = InvokeForItem((c, _, ct) => c.Keys.ActivateAsync(id, ct), id);
            if (key is not null) WriteObject(key);
        }
    }
}

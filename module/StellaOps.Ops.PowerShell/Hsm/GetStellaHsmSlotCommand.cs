using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Hsm;

/// <summary>Get-StellaHsmSlot: every slot of every configured HSM's PKCS#11 module, with its token and whether it is the one in use.</summary>
[Cmdlet(VerbsCommon.Get, "StellaHsmSlot")]
[OutputType(typeof(HsmSlot))]
public sealed class GetStellaHsmSlotCommand : StellaCmdlet
{
    protected override void ProcessRecord()
    {
        var slots = InvokeForItem((c, _, ct) => c.Hsm.GetSlotsAsync(ct), "hsm");
        if (slots is not null) WriteObject(slots, enumerateCollection: true);
    }
}

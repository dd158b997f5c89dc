using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Hsm;

/// <summary>Get-StellaHsm: the HSM group's state, its members (library, token, slot, sessions, last error, keep-alive probe) and, with -Detailed, the state history.</summary>
[Cmdlet(VerbsCommon.Get, "StellaHsm")]
[OutputType(typeof(HsmStatus))]
public sealed class GetStellaHsmCommand : StellaCmdlet
{
    /// <summary>Type name the detailed view is selected by; the object itself is unchanged.</summary>
    internal const string DetailedTypeName = "StellaOps.Ops.Contracts.Rpc.HsmStatus#Detailed";

    /// <summary>Renders with the detailed view: PKCS#11 library and token details per member and the state history.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord()
    {
        var status = InvokeForItem((c, _, ct) => c.Hsm.GetStatusAsync(ct), "hsm");
        if (status is null) return;
        if (!Detailed) { WriteObject(status); return; }
        var pso = PSObject.AsPSObject(status);
        pso.TypeNames.Insert(0, DetailedTypeName);
        WriteObject(pso);
    }
}

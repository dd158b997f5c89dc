using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Hsm;

/// <summary>Switch-StellaHsm: makes the backup (or the primary again) the HSM that signs (stella crypto hsm failover --to backup).</summary>
[Cmdlet(VerbsCommon.Switch, "StellaHsm", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(HsmStatus))]
public sealed class SwitchStellaHsmCommand : StellaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public HsmMemberRole To { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(To.ToString().ToLowerInvariant(), $"Switch signing to the {To.ToString().ToLowerInvariant()} HSM")) return;
        var status = InvokeForItem((c, _, ct) => c.Hsm.SwitchAsync(To, ct), To.ToString().ToLowerInvariant(), $"Switching to the {To} HSM");
        if (status is not null) WriteObject(status);
    }
}

using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>Remove-StellaTrustAnchor: stops trusting a root, an intermediate or a key; answers what was removed.</summary>
[Cmdlet(VerbsCommon.Remove, "StellaTrustAnchor", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(TrustAnchorInfo))]
public sealed class RemoveStellaTrustAnchorCommand : TrustCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TrustAnchorIdCompleter))]
    public string[] Id { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            if (!ShouldProcess(id, "Remove the trust anchor; what only it made trusted no longer verifies")) continue;
            var removed = InvokeForItem((c, _, ct) => c.TrustAnchors.RemoveAsync(id, ct), id);
            if (removed is not null) WriteObject(removed);
        }
    }
}

using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Publish-StellaKey: writes the public key into the issuer directory that verification trusts.</summary>
[Cmdlet(VerbsData.Publish, "StellaKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PublishedKey))]
public sealed class PublishStellaKeyCommand : StellaKeyIdCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            if (!ShouldProcess(id, "Publish the public key to the issuer directory")) continue;
            var published = InvokeForItem((c, _, ct) => c.Keys.PublishAsync(id, ct), id);
            if (published is not null) WriteObject(published);
        }
    }
}

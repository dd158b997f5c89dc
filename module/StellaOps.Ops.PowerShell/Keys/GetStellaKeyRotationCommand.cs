using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Get-StellaKeyRotation: the life events of a key (or of all keys): generated, activated, rotated, revoked, published.</summary>
[Cmdlet(VerbsCommon.Get, "StellaKeyRotation")]
[OutputType(typeof(KeyEvent))]
public sealed class GetStellaKeyRotationCommand : StellaCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyIdCompleter))]
    public string[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        if (Id is null || Id.Length == 0)
        {
            var all = InvokeForItem((c, _, ct) => c.Keys.GetHistoryAsync(null, ct), null);
            if (all is not null) WriteObject(all, enumerateCollection: true);
            return;
        }
        foreach (var id in Id)
        {
            var events = InvokeForItem((c, _, ct) => c.Keys.GetHistoryAsync(id, ct), id);
            if (events is not null) WriteObject(events, enumerateCollection: true);
        }
    }
}

using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Revoke-StellaKey: revokes a (compromised) key; signatures made with it no longer verify.</summary>
[Cmdlet(VerbsSecurity.Revoke, "StellaKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(KeyInfo))]
public sealed class RevokeStellaKeyCommand : StellaKeyIdCmdlet
{
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";

    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            if (!ShouldProcess(id, $"Revoke the key (reason: {Reason}); this cannot be undone")) continue;
            var key = InvokeForItem((c, _, ct) => c.Keys.RevokeAsync(id, Reason, ct), id);
            if (key is not null) WriteObject(key);
        }
    }
}

using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Get-StellaPublicKey: the public key (PEM) of a key.</summary>
[Cmdlet(VerbsCommon.Get, "StellaPublicKey")]
[OutputType(typeof(PublicKeyInfo))]
public sealed class GetStellaPublicKeyCommand : StellaKeyIdCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            var key = InvokeForItem((c, _, ct) => c.Keys.GetPublicKeyAsync(id, ct), id);
            if (key is not null) WriteObject(key);
        }
    }
}

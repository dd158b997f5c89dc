using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>Get-StellaIssuer: issuers with their keys, whether each is trusted and why, and who approved it when.</summary>
[Cmdlet(VerbsCommon.Get, "StellaIssuer")]
[OutputType(typeof(IssuerInfo))]
public sealed class GetStellaIssuerCommand : TrustCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(IssuerIdCompleter))]
    public string[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        if (Id is null)
        {
            WriteObject(Invoke((c, _, ct) => c.Issuers.ListAsync(ct)), enumerateCollection: true);
            return;
        }
        foreach (var id in Id)
        {
            var issuer = InvokeForItem((c, _, ct) => c.Issuers.GetAsync(id, ct), id);
            if (issuer is not null) WriteObject(issuer);
        }
    }
}

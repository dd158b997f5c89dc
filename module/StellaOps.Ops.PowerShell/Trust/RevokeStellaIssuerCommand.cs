using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>Revoke-StellaIssuer: ends trust in an issuer; approvals given before count no more, its keys verify nothing.</summary>
[Cmdlet(VerbsSecurity.Revoke, "StellaIssuer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(IssuerInfo))]
public sealed class RevokeStellaIssuerCommand : StellaIssuerDecisionCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            if (!ShouldProcess(id, $"Revoke the issuer (reason: {Reason})")) continue;
            var issuer = InvokeForItem((c, _, ct) => c.Issuers.RevokeAsync(id, Reason, ct), id);
            if (issuer is not null) WriteObject(issuer);
        }
    }
}

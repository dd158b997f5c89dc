using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>
/// Approve-StellaIssuer: records the caller's approval of an issuer and why. With issuers.approval.required above 1
/// the issuer is trusted only once that many different operators approved it (the same operator twice counts once).
/// </summary>
[Cmdlet(VerbsLifecycle.Approve, "StellaIssuer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(IssuerInfo))]
public sealed class ApproveStellaIssuerCommand : StellaIssuerDecisionCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            if (!ShouldProcess(id, $"Approve the issuer as trusted (reason: {Reason})")) continue;
            var issuer = InvokeForItem((c, _, ct) => c.Issuers.ApproveAsync(id, Reason, ct), id);
            if (issuer is null) continue;
            if (!issuer.Trusted) WriteWarning($"Issuer '{issuer.Id}' is not trusted yet: {issuer.Reason}.");
            WriteObject(issuer);
        }
    }
}

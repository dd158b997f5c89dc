using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>
/// The cmdlets that record an operator's decision about issuers named by id, with the reason (approve, revoke): one
/// pipeline-bound <c>-Id</c> with the issuer completer and a mandatory <c>-Reason</c>, declared once.
/// </summary>
public abstract class StellaIssuerDecisionCmdlet : TrustCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(IssuerIdCompleter))]
    public string[] Id { get; set; } = [];

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";
}

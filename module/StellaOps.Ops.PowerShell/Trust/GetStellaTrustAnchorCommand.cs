using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>Get-StellaTrustAnchor: the trust store (roots, intermediates, keys with their windows), or the anchors with the given ids.</summary>
[Cmdlet(VerbsCommon.Get, "StellaTrustAnchor")]
[OutputType(typeof(TrustAnchorInfo))]
public sealed class GetStellaTrustAnchorCommand : TrustCmdlet
{
    /// <summary>Anchor ids or id prefixes (at least 8 characters).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TrustAnchorIdCompleter))]
    public string[]? Id { get; set; }

    [Parameter]
    public TrustAnchorKind? Kind { get; set; }

    protected override void ProcessRecord()
    {
        if (Id is null)
        {
            WriteObject(Invoke((c, _, ct) => c.TrustAnchors.ListAsync(new TrustAnchorQuery { Kind = Kind }, ct)), enumerateCollection: true);
            return;
        }
        foreach (var id in Id)
        {
            var found = InvokeForItem((c, _, ct) => c.TrustAnchors.ListAsync(new TrustAnchorQuery { Id = id, Kind = Kind }, ct), id);
            if (found is null) continue;
            if (found.Length == 0)
                WriteOpsError(new OpsException(OpsErrorCode.TrustAnchorIdNotFound, $"There is no trust anchor '{id}'.", id, "List anchors with 'stella trust-anchors list' (Get-StellaTrustAnchor)."), id);
            else WriteObject(found, enumerateCollection: true);
        }
    }
}

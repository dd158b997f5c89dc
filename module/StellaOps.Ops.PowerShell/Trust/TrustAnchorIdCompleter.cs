using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>Tab completion of trust anchor ids (fingerprints and key ids) when this session already has a live connection.</summary>
public sealed class TrustAnchorIdCompleter : DaemonArgumentCompleter<TrustAnchorInfo>
{
    protected override Task<TrustAnchorInfo[]> FetchAsync(Contracts.Client.OpsClient client, CancellationToken cancellationToken)
        => client.TrustAnchors.ListAsync(new TrustAnchorQuery(), cancellationToken);

    protected override IEnumerable<CompletionResult> Complete(IReadOnlyList<TrustAnchorInfo> anchors, WildcardPattern typed)
    {
        foreach (var a in anchors)
        {
            if (typed.IsMatch(a.Id) || typed.IsMatch(a.Subject))
                yield return new CompletionResult(a.Id, $"{a.Kind} {a.Subject}", CompletionResultType.ParameterValue, $"{a.Kind} {a.Subject} ({a.Status}), added by {a.AddedBy}");
        }
    }
}

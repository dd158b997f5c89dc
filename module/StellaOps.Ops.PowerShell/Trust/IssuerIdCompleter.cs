using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>Tab completion of issuer ids when this session already has a live connection.</summary>
public sealed class IssuerIdCompleter : DaemonArgumentCompleter<IssuerInfo>
{
    protected override Task<IssuerInfo[]> FetchAsync(Contracts.Client.OpsClient client, CancellationToken cancellationToken)
        => client.Issuers.ListAsync(cancellationToken);

    protected override IEnumerable<CompletionResult> Complete(IReadOnlyList<IssuerInfo> issuers, WildcardPattern typed)
    {
        foreach (var i in issuers)
        {
            if (typed.IsMatch(i.Id))
                yield return new CompletionResult(i.Id, i.Id, CompletionResultType.ParameterValue, $"{i.Status}: {i.Reason}");
        }
    }
}

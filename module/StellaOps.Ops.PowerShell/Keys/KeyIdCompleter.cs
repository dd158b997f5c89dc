using System.Management.Automation;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Tab completion of key ids: the ids and names the daemon lists when this session already has a live connection.</summary>
public sealed class KeyIdCompleter : DaemonArgumentCompleter<Contracts.Rpc.KeyInfo>
{
    protected override Task<Contracts.Rpc.KeyInfo[]> FetchAsync(Contracts.Client.OpsClient client, CancellationToken cancellationToken)
        => client.Keys.ListAsync(new Contracts.Rpc.KeyQuery(), cancellationToken);

    protected override IEnumerable<CompletionResult> Complete(IReadOnlyList<Contracts.Rpc.KeyInfo> keys, WildcardPattern typed)
    {
        foreach (var k in keys)
        {
            var tip = $"{k.Name} ({k.Algorithm.ToName()}, {k.Status}, expires {k.ExpiresAt:yyyy-MM-dd})";
            if (typed.IsMatch(k.Id) || typed.IsMatch(k.Name))
                yield return new CompletionResult(k.Id, string.IsNullOrEmpty(k.Name) ? k.Id : $"{k.Name} {k.Id[..Math.Min(16, k.Id.Length)]}", CompletionResultType.ParameterValue, tip);
        }
    }
}


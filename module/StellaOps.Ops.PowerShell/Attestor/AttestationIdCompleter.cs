using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>Tab completion of attestation ids: the newest attestations the daemon lists when this session already has a live connection.</summary>
public sealed class AttestationIdCompleter : IArgumentCompleter
{
    /// <summary>Completion must answer at once: only the newest attestations are offered.</summary>
    private const int Newest = 200;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var client = ConnectionCache.Peek(fakeBoundParameters["Endpoint"] as string);
        if (client is null) yield break;
        AttestationInfo[] attestations;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            attestations = client.Attest.ListAsync(new AttestationQuery { Limit = Newest }, cts.Token).GetAwaiter().GetResult();
        }
        catch (Exception) { yield break; /* completion is best effort */ }
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        foreach (var a in attestations)
        {
            if (!pattern.IsMatch(a.Id)) continue;
            var subject = StellaAttestationCmdlet.Subjects(a);
            var tip = $"{a.Type} {a.Status} for {subject}, created {a.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm}";
            yield return new CompletionResult(a.Id, $"{a.Id[..Math.Min(16, a.Id.Length)]} {a.Type} {a.Status}", CompletionResultType.ParameterValue, tip);
        }
    }
}

using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Accepts the runbook algorithm names (ecdsa-p256, rsa-3072, …) as well as the enum names for a <see cref="KeyAlgorithm"/> parameter.</summary>
public sealed class KeyAlgorithmTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (value is string s)
        {
            if (KeyAlgorithmNames.TryParse(s, out var a)) return a;
            if (Enum.TryParse<KeyAlgorithm>(s, ignoreCase: true, out var e) && Enum.IsDefined(e)) return e;
            throw new ArgumentTransformationMetadataException(
                $"Unknown key algorithm '{s}'. Use one of: {string.Join(", ", KeyAlgorithmNames.All)}.");
        }
        return inputData;
    }
}

/// <summary>Tab completion of key ids: the ids and names the daemon lists when this session already has a live connection.</summary>
public sealed class KeyIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var client = ConnectionCache.Peek(fakeBoundParameters["Endpoint"] as string);
        if (client is null) yield break;
        Contracts.Rpc.KeyInfo[] keys;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            keys = client.Keys.ListAsync(new Contracts.Rpc.KeyQuery(), cts.Token).GetAwaiter().GetResult();
        }
        catch (Exception) { yield break; /* completion is best effort */ }
        var word = wordToComplete.Trim('\'', '"');
        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
        foreach (var k in keys)
        {
            var tip = $"{k.Name} ({k.Algorithm.ToName()}, {k.Status}, expires {k.ExpiresAt:yyyy-MM-dd})";
            if (pattern.IsMatch(k.Id) || pattern.IsMatch(k.Name))
                yield return new CompletionResult(k.Id, string.IsNullOrEmpty(k.Name) ? k.Id : $"{k.Name} {k.Id[..Math.Min(16, k.Id.Length)]}", CompletionResultType.ParameterValue, tip);
        }
    }
}


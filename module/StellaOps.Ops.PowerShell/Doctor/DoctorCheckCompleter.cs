using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace StellaOps.Ops.PowerShell.Doctor;

/// <summary>
/// Tab completion of doctor check ids: the ids the runbooks name, plus what the daemon lists when this session
/// already has a live connection (never connects just to complete, never waits more than a second).
/// </summary>
public sealed class DoctorCheckCompleter : IArgumentCompleter
{
    internal static readonly string[] KnownChecks =
    [
        "check.daemon.storage", "check.daemon.endpoint",
        "check.crypto.hsm-availability", "check.attestor.key-expiration",
        "check.attestor.signing-health", "check.attestor.verification-health",
    ];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var ids = new SortedSet<string>(KnownChecks, StringComparer.OrdinalIgnoreCase);
        var endpoint = fakeBoundParameters["Endpoint"] as string;
        var client = ConnectionCache.Peek(endpoint);
        if (client is not null)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                foreach (var c in client.Doctor.ListAsync(cts.Token).GetAwaiter().GetResult()) ids.Add(c.Check);
            }
            catch (Exception) { /* completion is best effort */ }
        }
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        foreach (var id in ids)
        {
            if (pattern.IsMatch(id)) yield return new CompletionResult(id, id, CompletionResultType.ParameterValue, id);
        }
    }
}

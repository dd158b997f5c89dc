using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using StellaOps.Ops.Contracts.Client;

namespace StellaOps.Ops.PowerShell;

/// <summary>
/// Tab completion from the daemon: asks over this session's live connection only (never connects just to complete),
/// waits at most a second, and completes nothing rather than failing. A completer says what to fetch and how each
/// item reads; the quoting, the wildcard match and the best-effort rules live here once.
/// </summary>
public abstract class DaemonArgumentCompleter<T> : IArgumentCompleter
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    /// <summary>What to complete from; called only with a live connection.</summary>
    protected abstract Task<T[]> FetchAsync(OpsClient client, CancellationToken cancellationToken);

    /// <summary>The completions for the items, given a pattern of what was typed so far (quotes trimmed, "*" appended).</summary>
    protected abstract IEnumerable<CompletionResult> Complete(IReadOnlyList<T> items, WildcardPattern typed);

    /// <summary>Items offered even with no connection (say, the check ids the runbooks name).</summary>
    protected virtual IEnumerable<T> Known => [];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var items = new List<T>(Known);
        if (ConnectionCache.Peek(fakeBoundParameters["Endpoint"] as string) is { } client)
        {
            try
            {
                using var cts = new CancellationTokenSource(Patience);
                items.AddRange(FetchAsync(client, cts.Token).GetAwaiter().GetResult());
            }
            catch (Exception) { /* completion is best effort */ }
        }
        var typed = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return Complete(items, typed).ToList();
    }
}

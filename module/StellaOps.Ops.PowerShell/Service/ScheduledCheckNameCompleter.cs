using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>Tab completion of scheduled-check names, from the installed timer files (no bus call).</summary>
public sealed class ScheduledCheckNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (OperatingSystem.IsWindows()) return [];
        var typed = new WildcardPattern((wordToComplete ?? "") + "*", WildcardOptions.IgnoreCase);
        return ScheduledCheckUnits.InstalledNames().Where(typed.IsMatch).Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}

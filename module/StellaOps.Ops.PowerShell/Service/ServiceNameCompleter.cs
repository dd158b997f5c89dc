using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>Tab completion of -Name: the daemon's service and the scheduled-check units (read from the unit directory, no bus call).</summary>
public sealed class ServiceNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = new WildcardPattern((wordToComplete ?? "") + "*", WildcardOptions.IgnoreCase);
        var names = new List<string> { ServiceControl.DefaultName };
        if (!OperatingSystem.IsWindows()) names.AddRange(ScheduledCheckUnits.InstalledNames().Select(n => ScheduledCheckUnits.ServiceUnit(n)));
        return names.Distinct().Where(typed.IsMatch).Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}

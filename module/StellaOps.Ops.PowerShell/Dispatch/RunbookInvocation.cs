using System.Collections;
using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Dispatch;

/// <summary>What a runbook line becomes: the cmdlet and the parameters to splat, the help to write (<c>--help</c>), or the error to report.</summary>
public sealed class RunbookInvocation
{
    public string? CommandName { get; init; }
    public Hashtable Parameters { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    public CommandSpec? Spec { get; init; }
    public ErrorRecord? Error { get; init; }
    /// <summary>The line asked for its command's help (<see cref="CommandSpec.Help"/>): write it, run nothing.</summary>
    public string? Help { get; init; }
}

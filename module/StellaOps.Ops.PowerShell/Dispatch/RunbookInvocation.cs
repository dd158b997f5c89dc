using System.Collections;
using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Dispatch;

/// <summary>What a runbook line becomes: the cmdlet and the parameters to splat, or the error to report.</summary>
public sealed class RunbookInvocation
{
    public string? CommandName { get; init; }
    public Hashtable Parameters { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    public CommandSpec? Spec { get; init; }
    public ErrorRecord? Error { get; init; }
}

using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Dispatch;

/// <summary>A runbook line that cannot run: unknown command or flag, missing or extra argument, or not implemented yet.</summary>
public sealed class RunbookSyntaxException(string errorId, ErrorCategory category, string message, string? suggestion = null, object? target = null)
    : Exception(message)
{
    public string ErrorId { get; } = errorId;
    public ErrorCategory Category { get; } = category;
    /// <summary>The closest valid command or flag, when there is one.</summary>
    public string? Suggestion { get; } = suggestion;
    public object? Target { get; } = target;

    public ErrorRecord ToErrorRecord()
    {
        var record = new ErrorRecord(this, ErrorId, Category, Target);
        if (Suggestion is not null) record.ErrorDetails = new ErrorDetails(Message) { RecommendedAction = $"Did you mean '{Suggestion}'?" };
        return record;
    }
}

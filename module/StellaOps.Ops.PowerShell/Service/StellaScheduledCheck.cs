using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>
/// Doctor checks on a schedule: a systemd timer and its service (stellaops-check-NAME.timer/.service) on Linux, a
/// Scheduled Task (\StellaOps\check-NAME) on Windows. A run whose checks fail ends with exit code 1, so the unit
/// (or task) shows the failure until the next good run.
/// </summary>
public sealed class StellaScheduledCheck
{
    public required string Name { get; init; }
    public required string[] Checks { get; init; }
    public Duration? Every { get; init; }
    /// <summary>The timer unit (Linux) or task path (Windows).</summary>
    public required string Unit { get; init; }
    /// <summary>The service unit one run is (Linux).</summary>
    public string? ServiceUnit { get; init; }
    /// <summary>enabled, disabled (Linux: the timer's unit file state; Windows: the task's).</summary>
    public string? Enabled { get; init; }
    /// <summary>The timer's state: active (waiting), inactive, failed.</summary>
    public string? State { get; init; }
    public DateTimeOffset? NextRun { get; init; }
    public DateTimeOffset? LastRun { get; init; }
    /// <summary>How the last run ended: success, exit-code (a check failed or the daemon did not answer), ...</summary>
    public string? LastResult { get; init; }
    public int? LastExitCode { get; init; }
    /// <summary>The last run failed.</summary>
    public bool Failed { get; init; }

    public override string ToString() => $"{Name}: {string.Join(", ", Checks)} every {Every}";
}

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>
/// One service as its service manager sees it: systemd's unit states (Linux) or the service controller's status
/// (Windows, where ActiveState is the status and SubState, Result and Restarts stay empty).
/// </summary>
public sealed class StellaServiceInfo
{
    /// <summary>The unit (stellaops-opsd.service) or Windows service name (StellaOpsOpsd).</summary>
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>loaded, not-found, masked, error.</summary>
    public string? LoadState { get; init; }
    /// <summary>active, inactive, activating, deactivating, failed (Windows: Running, Stopped, ...).</summary>
    public required string ActiveState { get; init; }
    /// <summary>running, exited, dead, auto-restart, failed, ...</summary>
    public string? SubState { get; init; }
    /// <summary>The main process; 0 when it does not run.</summary>
    public int MainPid { get; init; }
    /// <summary>When the unit entered its current state.</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>How the last run ended: success, exit-code, signal, core-dump, timeout, start-limit-hit, ...</summary>
    public string? Result { get; init; }
    /// <summary>How often systemd restarted it (Restart=on-failure) since it was started.</summary>
    public int Restarts { get; init; }
    /// <summary>enabled, disabled, static, ... (Windows: the start type).</summary>
    public string? UnitFileState { get; init; }
    public bool IsActive => ActiveState is "active" or "Running";

    public override string ToString() => $"{Name} {ActiveState}" + (SubState is null ? "" : $" ({SubState})");
}

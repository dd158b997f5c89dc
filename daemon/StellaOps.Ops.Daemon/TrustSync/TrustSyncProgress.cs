using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Tuf;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// A refresh's progress as the caller sees it (Sync-StellaTrust and Initialize-StellaTrust, whose first refresh it is,
/// write each report with Write-Progress): each step of the TUF refresh as it starts (root chain, timestamp, snapshot,
/// targets), then each trust target file. With no caller listening (the refresh timer) it reports nothing.
/// </summary>
internal sealed class TrustSyncProgress(IProgress<OperationProgress>? caller)
{
    public const string Activity = "Trust sync";

    public static TrustSyncProgress None { get; } = new(null);

    private int _targets;

    /// <summary>For <see cref="TufUpdaterOptions.StepStarted"/>: the metadata steps take the first 60 %.</summary>
    public void Step(string role) => Report(role switch
    {
        TufRoleNames.Root => ("root chain: root rotations from the trusted root", 0),
        TufRoleNames.Timestamp => ("timestamp", 15),
        TufRoleNames.Snapshot => ("snapshot", 30),
        _ => ("targets (and its delegations)", 45),
    });

    /// <summary>A trust target file about to be read (cached copy when its hashes match) or downloaded.</summary>
    public void Target(string path, bool cachedAllowed) => Report(($"target {path}{(cachedAllowed ? "" : " (download forced)")}", Math.Min(95, 60 + 10 * _targets++)));

    private void Report((string Status, int Percent) step)
        => caller?.Report(new OperationProgress { Activity = Activity, Status = step.Status, PercentComplete = step.Percent });
}

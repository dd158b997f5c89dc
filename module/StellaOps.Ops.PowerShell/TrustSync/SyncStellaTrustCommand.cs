using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.TrustSync;

/// <summary>
/// Sync-StellaTrust (<c>stella trust sync</c>): refreshes the TUF metadata now and applies the trust material it
/// delivers. -Force fetches the targets again even when cached copies match. -AllowStale -MaxAge 7d: when the
/// repository gives no fresh metadata, keep serving the expired last good metadata while it is younger than MaxAge
/// (loudly: a warning here, in status and in doctor).
/// </summary>
[Cmdlet(VerbsData.Sync, "StellaTrust", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(TrustSyncResult))]
public sealed class SyncStellaTrustCommand : TrustSyncCmdlet
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter AllowStale { get; set; }

    /// <summary>With -AllowStale: the oldest the last good metadata may be (7d, 36h).</summary>
    [Parameter]
    [DurationTransformation]
    public Duration? MaxAge { get; set; }

    protected override void ProcessRecord()
    {
        if (AllowStale && MaxAge is null)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-AllowStale needs -MaxAge: how old the last good metadata may be (e.g. -MaxAge 7d)."),
                "AllowStaleNeedsMaxAge", ErrorCategory.InvalidArgument, null));
        if (!ShouldProcess("TUF trust metadata", AllowStale ? $"Refresh, serving stale metadata up to {MaxAge} old if the repository gives none" : "Refresh")) return;
        var request = new TrustSyncRequest { Force = Force, AllowStale = AllowStale, MaxAge = MaxAge };
        // The daemon reports each step as it starts (root chain, timestamp, snapshot, targets, each target file); the
        // base class writes them as this command's progress record and completes it at the end.
        var result = InvokeForItem((c, progress, ct) => c.TrustSync.SyncAsync(request, progress, ct), "TUF", "Sync-StellaTrust");
        if (result is not null) WriteResult(result);
    }
}

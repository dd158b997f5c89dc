using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.TrustSync;

/// <summary>
/// Get-StellaTrustStatus (<c>stella trust status</c>): the TUF repository, each role's version and expiry, the last
/// refresh and its outcome, whether stale metadata is served. The -Show… switches add their sections to the view
/// (the object always carries them): -ShowEndpoints the signing config's services and which are selected now,
/// -ShowKeys the log keys with fingerprints and windows, -ShowBackends and -ShowCircuitBreaker the transparency
/// log's backends and circuits (filled by the transparency-log client).
/// </summary>
[Cmdlet(VerbsCommon.Get, "StellaTrustStatus")]
[OutputType(typeof(TrustSyncStatus))]
public sealed class GetStellaTrustStatusCommand : TrustSyncCmdlet
{
    [Parameter]
    public SwitchParameter ShowEndpoints { get; set; }

    [Parameter]
    public SwitchParameter ShowKeys { get; set; }

    [Parameter]
    public SwitchParameter ShowBackends { get; set; }

    [Parameter]
    public SwitchParameter ShowCircuitBreaker { get; set; }

    protected override void EndProcessing()
    {
        TrustSyncStatus status;
        try
        {
            status = Invoke((c, _, ct) => c.TrustSync.StatusAsync(ct));
        }
        catch (Contracts.OpsException ex)
        {
            ThrowOpsError(ex);
            return;
        }
        foreach (var w in status.Warnings) WriteWarning(w);
        var shown = PSObject.AsPSObject(status);
        shown.Properties.Add(new PSNoteProperty("ShowEndpoints", ShowEndpoints.IsPresent));
        shown.Properties.Add(new PSNoteProperty("ShowKeys", ShowKeys.IsPresent));
        shown.Properties.Add(new PSNoteProperty("ShowBackends", ShowBackends.IsPresent));
        shown.Properties.Add(new PSNoteProperty("ShowCircuitBreaker", ShowCircuitBreaker.IsPresent));
        WriteObject(shown);
        base.EndProcessing();
    }
}

using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.TrustSync;

/// <summary>
/// Get-StellaTrustStatus (<c>stella trust status</c>): the TUF repository, each role's version and expiry, the last
/// refresh and its outcome, whether stale metadata is served. The -Show… switches add their sections to the view
/// (the object always carries them): -ShowEndpoints the signing config's services and which are selected now,
/// -ShowKeys the log keys with fingerprints and windows, -ShowBackends and -ShowCircuitBreaker the transparency
/// log's backends (failover order, API version, last success, queue depth) and circuits (state, since when, why).
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
            var tlog = Invoke((c, _, ct) => c.Tlog.StatusAsync(ct));
            status = status with
            {
                Backends = [.. tlog.Backends.Select(b => new TrustBackendStatus
                {
                    Url = b.Url,
                    State = b.Order == 0 ? "primary" : $"failover {b.Order}",
                    Message = $"Rekor v{b.ApiVersion} ({b.Operator}); last success {(b.LastSuccess is { } at ? at.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "never")}; "
                              + $"{b.Submissions} logged, {b.Failures} failed; queue depth {b.QueueDepth}" + (b.LastError is null ? "" : $"; last error: {b.LastError}"),
                })],
                Circuits = [.. tlog.Backends.Select(b => new TrustCircuitStatus
                {
                    Url = b.Url,
                    State = b.CircuitState,
                    Message = (b.CircuitSince is { } since ? $"since {since.ToString("u", System.Globalization.CultureInfo.InvariantCulture)}: {b.CircuitReason}" : "closed since the daemon started")
                              + $"; {b.CircuitOpens} open(s)",
                })],
            };
            if (tlog.NotConfigured is { } none && (ShowBackends || ShowCircuitBreaker)) WriteWarning($"{none.Message} {none.RecommendedAction}");
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

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>
/// attestor_hsm_connection_up{member}: 1 while an HSM member (primary, backup) is usable, 0 while it is down (what
/// AttestorHsmConnectionFailed fires on). A configuration the daemon refused reads as its primary down; no HSM, no series.
/// </summary>
public sealed class HsmConnectionGauge : IHostedService, IDisposable
{
    public const string MeterName = "StellaOps.Ops.Hsm.Connection";
    public const string Metric = "attestor_hsm_connection_up";

    private readonly Meter _meter = new(MeterName);

    public HsmConnectionGauge(HsmService hsm)
    {
        _meter.CreateObservableGauge(Metric, () =>
        {
            if (hsm.Runtime is not { } rt)
                return hsm.ConfigurationError is null ? [] : [Up("primary", false)];
            return rt.Members.Select(c => c.GetInfo()).Select(i => Up(i.Name, i.State != HsmConnectionState.Down)).ToList();
        }, description: "1 while the HSM member is connected (or degraded but working), 0 while it is down.");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public void Dispose() => _meter.Dispose();

    private static Measurement<int> Up(string member, bool up) => new(up ? 1 : 0, new KeyValuePair<string, object?>("member", member));
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// attestor_key_expiry_seconds{key_id}: seconds until each active key expires (negative once it has: an active key past
/// its expiry is what AttestorKeyExpired fires on). Read when scraped; a hosted service only so it exists while the daemon runs.
/// </summary>
public sealed class KeyExpiryGauge : IHostedService, IDisposable
{
    public const string MeterName = "StellaOps.Ops.Keys.Expiry";
    public const string Metric = "attestor_key_expiry_seconds";

    private readonly Meter _meter = new(MeterName);

    public KeyExpiryGauge(KeyStore store, TimeProvider time)
    {
        _meter.CreateObservableGauge(Metric, () =>
        {
            var now = time.GetUtcNow();
            return store.All()
                .Where(k => k.StoredStatus == KeyStatus.Active)
                .Select(k => new Measurement<double>(Math.Round((k.ExpiresAt - now).TotalSeconds), new KeyValuePair<string, object?>("key_id", k.Id)))
                .ToList();
        }, unit: "s", description: "Seconds until each active key expires; negative once it has expired.");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public void Dispose() => _meter.Dispose();
}

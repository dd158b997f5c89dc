using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// The rotation timer: raises expiry alerts at keys.alerts.expiring_days (warning) and
/// keys.alerts.expiring_days_critical (critical), and with keys.rotation.auto replaces an active key once it is
/// within keys.rotation.before_expiry of expiring. Driven by a <see cref="TimeProvider"/> so tests can run a
/// year of rotation in seconds; each tick is idempotent.
/// </summary>
public sealed class KeyRotationService(KeyService keys, KeyStore store, SettingsService settings, TimeProvider time, ILogger<KeyRotationService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly Meter Meter = new("StellaOps.Ops.Keys");
    private static readonly Counter<long> Alerts = Meter.CreateCounter<long>("attestor_key_expiry_alerts_total");
    private static readonly Counter<long> Rotations = Meter.CreateCounter<long>("attestor_key_rotations_total");

    /// <summary>Completes the audit of changes to key files (master key, publications) a stop interrupted, before the endpoint opens (it starts last).</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        keys.SettleInterrupted();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await keys.AlignWithConfigurationAsync(stoppingToken).ConfigureAwait(false);
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Key rotation check failed; it runs again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One pass over the keys. Returns the rotations it made.</summary>
    public async Task<IReadOnlyList<KeyRotationResult>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var auto = settings.Value("keys.rotation.auto") == "true";
        var before = Duration.Parse(settings.Value("keys.rotation.before_expiry")).Value;
        var warnDays = int.Parse(settings.Value("keys.alerts.expiring_days"), CultureInfo.InvariantCulture);
        var criticalDays = int.Parse(settings.Value("keys.alerts.expiring_days_critical"), CultureInfo.InvariantCulture);
        var rotations = new List<KeyRotationResult>();

        foreach (var key in store.All().Where(k => k.StoredStatus == KeyStatus.Active))
        {
            var left = key.ExpiresAt - now;
            if (auto && key.ReplacedBy is null && left <= before)
            {
                try
                {
                    var result = await keys.RotateAsync(key.Id, $"automatic rotation {new Duration(before)} before expiry", cancellationToken).ConfigureAwait(false);
                    rotations.Add(result);
                    Rotations.Add(1);
                    continue;
                }
                catch (OpsException ex)
                {
                    logger.LogError("Automatic rotation of key {KeyId} failed: {Error} {Action}", key.Id, ex.Message, ex.RecommendedAction);
                }
            }
            var level = left <= TimeSpan.FromDays(criticalDays) ? 2 : left <= TimeSpan.FromDays(warnDays) ? 1 : 0;
            if (level > key.AlertLevel)
            {
                var what = level == 2 ? "critical" : "warning";
                var message = left <= TimeSpan.Zero
                    ? $"expired on {key.ExpiresAt:u}"
                    : $"expires on {key.ExpiresAt:u} (in {Math.Ceiling(left.TotalDays)} days)";
                if (level == 2) logger.LogCritical("Active signing key {KeyId} ({Name}) {When}: rotate it now (stella keys generate / Invoke-StellaKeyRotation)", key.Id, key.Name, message);
                else logger.LogWarning("Active signing key {KeyId} ({Name}) {When}: plan its rotation", key.Id, key.Name, message);
                Alerts.Add(1, new KeyValuePair<string, object?>("level", what));
                await keys.WriteAsync([key with { AlertLevel = level }], [keys.Event(key.Id, $"alert-{what}", message)], cancellationToken).ConfigureAwait(false);
            }
        }
        return rotations;
    }
}

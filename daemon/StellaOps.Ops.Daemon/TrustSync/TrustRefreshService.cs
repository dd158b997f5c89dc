using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// The refresh timer: at start (before the endpoint opens) serves the cached metadata (no network), then refreshes every
/// <c>trust.refresh_interval</c>, jittered by up to 10% so a fleet does not hit the repository at once. After a
/// failure the next attempt comes after 30 s, doubling per failure up to the interval. Does nothing while trust sync
/// is not initialised or the daemon uses files (<c>Trust:TrustedRootFile</c>).
/// </summary>
public sealed class TrustRefreshService(TrustSyncService sync, SettingsService settings, IOptions<TrustSyncOptions> options, TimeProvider time, ILogger<TrustRefreshService> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30);

    /// <summary>The wait after <paramref name="failures"/> consecutive failures (0: a normal interval), before jitter.</summary>
    public static TimeSpan Delay(TimeSpan interval, int failures)
        => failures == 0 ? interval : TimeSpan.FromTicks(Math.Min(interval.Ticks, FirstRetry.Ticks * (1L << Math.Min(failures - 1, 20))));

    /// <summary>
    /// Completes the audit of trust changes a crash interrupted (against what the cache holds), then serves the cache
    /// (local files only), before the endpoint opens, which starts last: a client's first read sees it.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        sync.SettleInterrupted();
        if (!options.Value.UsesFiles) await sync.LoadAtStartAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.UsesFiles) return;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var interval = Duration.Parse(settings.Value("trust.refresh_interval")).Value;
            var wait = Delay(interval, failures);
            wait += TimeSpan.FromTicks((long)(wait.Ticks * 0.1 * Random.Shared.NextDouble()));
            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (!sync.IsInitialized) continue;
            try
            {
                await sync.TimerSyncAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (OpsException e)
            {
                failures++;
                logger.LogWarning("TUF refresh failed ({Code}): {Message} Next attempt in {Delay}.", e.Code, e.Message, new Duration(Delay(interval, failures)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures++;
                logger.LogError(e, "TUF refresh failed");
            }
        }
    }
}

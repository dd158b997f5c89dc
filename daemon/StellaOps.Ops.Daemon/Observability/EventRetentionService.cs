using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>Keeps the event table to <c>log.retention</c> (audit events are never pruned).</summary>
public sealed class EventRetentionService(EventStore events, IConfiguration configuration, TimeProvider time, ILogger<EventRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                var retention = Duration.TryParse(configuration["Daemon:LogRetention"], out var d) ? d.Value : TimeSpan.FromDays(30);
                var removed = events.Prune(time.GetUtcNow() - retention);
                if (removed > 0) logger.LogInformation("Pruned {Count} log events older than {Retention}", removed, new Duration(retention));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Pruning old log events failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}

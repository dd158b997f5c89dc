using Microsoft.Extensions.DependencyInjection;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>Registers the event table and its pruning, the audit log, the metrics registry and the RPC handler (log.*).</summary>
public static class ObservabilityCapability
{
    public static IServiceCollection AddObservabilityCapability(this IServiceCollection services)
    {
        // Listening before anything measures: start-up alerts and failures count too.
        services.AddSingleton(new MetricsRegistry());
        services.AddSingleton<EventStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ILogRpc, LogRpc>();
        services.AddHostedService<EventRetentionService>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>Registers the event table and its pruning, the audit log, the metrics registry, the Prometheus endpoint and the RPC handler (log.*).</summary>
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
        // A metrics.listen the endpoint would refuse stops the start (exit 2) and is refused by 'config set'.
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddSingleton<ISettingValidator, MetricsSettingValidator>();
        services.AddSingleton<PrometheusEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<PrometheusEndpoint>());
        return services;
    }
}

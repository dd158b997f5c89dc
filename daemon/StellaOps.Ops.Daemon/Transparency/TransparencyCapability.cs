using Microsoft.Extensions.DependencyInjection;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Attestor;
using StellaOps.Ops.Daemon.Doctor;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>
/// Registers the transparency-log client: the backends (from the Sigstore trust source), the outbox hook in the
/// attestor's signing transaction, the drain, the metrics, the doctor check and the <c>tlog.</c> RPC contract.
/// </summary>
public static class TransparencyCapability
{
    public static IServiceCollection AddTransparencyCapability(this IServiceCollection services)
    {
        services.AddOptions<TransparencyOptions>().BindConfiguration(TransparencyOptions.Section);
        services.AddSingleton<TransparencyMetrics>();
        services.AddSingleton<TransparencySignal>();
        services.AddSingleton<TransparencyBackends>();
        services.AddSingleton(sp =>
        {
            var store = new TransparencyStore(sp.GetRequiredService<Storage.StateStore>());
            sp.GetRequiredService<TransparencyMetrics>().ObserveOutbox(store.Outbox);
            return store;
        });
        services.AddSingleton<IAttestationSignedHook, TransparencyOutbox>();
        services.AddSingleton<IAttestationLogEvidence, TransparencyEvidence>();
        services.AddSingleton<TransparencyDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<TransparencyDrain>());
        services.AddSingleton<IHealthCheck, TransparencyHealthCheck>();
        services.AddSingleton<TransparencyLogSearch>();
        services.AddSingleton<ITlogRpc, TlogRpc>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.Hsm;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>Registers the key capability: store, providers, rotation timer, RPC handler, health check.</summary>
public static class KeyCapability
{
    public static IServiceCollection AddKeyCapability(this IServiceCollection services)
    {
        services.TryAddSingleton<IHsmKeyOperations, NoHsmConfigured>();
        services.AddSingleton<KeyStore>();
        services.AddSingleton<KeyUsability>();
        services.AddSingleton<SigningKeySelection>();
        services.AddSingleton<SoftwareKeyVault>();
        services.AddSingleton<KeyService>();
        services.AddSingleton<KeyRotationService>();
        services.AddSingleton<IKeyRpc, KeyRpc>();
        services.AddSingleton<IHealthCheck, KeyExpirationHealthCheck>();
        services.AddSingleton<ISettingValidator, KeySettingValidator>();
        services.AddSingleton<IReloadable, KeyReload>();
        services.AddSingleton<ICapabilityStatus, KeyCapabilityStatus>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyRotationService>());
        services.AddHostedService<KeyExpiryGauge>();
        services.AddSingleton<HsmKeyReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<HsmKeyReconciler>());
        services.AddSingleton<IHealthCheck, HsmKeyOrphanHealthCheck>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>Registers the HSM capability: its options, the failover group, the self-test key, the development token's signing key, the RPC handler, health check and status.</summary>
public static class HsmCapability
{
    public static IServiceCollection AddHsmCapability(this IServiceCollection services)
    {
        services.AddOptions<HsmOptions>().BindConfiguration(HsmOptions.Section);
        services.AddSingleton<HsmDevelopmentToken>();
        services.AddSingleton<Pkcs11LibraryValidator>();
        services.AddSingleton<Settings.ISettingValidator>(sp => sp.GetRequiredService<Pkcs11LibraryValidator>());
        services.AddSingleton<HsmSelfTestKey>();
        services.AddSingleton<HsmService>();
        services.AddHostedService(sp => sp.GetRequiredService<HsmService>());
        // After the HSM service, before the endpoint: a fresh development start answers with a key that signs.
        services.AddHostedService<HsmDevelopmentSigningKey>();
        services.AddSingleton<IHsmRpc, HsmRpc>();
        services.AddSingleton<IHsmKeyOperations, HsmKeyOperations>();
        services.AddSingleton<IHealthCheck, HsmHealthCheck>();
        services.AddSingleton<ICapabilityStatus, HsmCapabilityStatus>();
        services.AddSingleton<IReloadable, HsmReload>();
        services.AddHostedService<HsmConnectionGauge>();
        return services;
    }
}

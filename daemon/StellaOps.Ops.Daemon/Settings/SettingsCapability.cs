using Microsoft.Extensions.DependencyInjection;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Settings;

/// <summary>Registers the runtime settings (config.*): the service over the layers and the RPC handler.</summary>
public static class SettingsCapability
{
    public static IServiceCollection AddSettingsCapability(this IServiceCollection services)
    {
        services.AddSingleton<SettingsService>();
        services.AddSingleton<IConfigRpc, ConfigRpc>();
        return services;
    }
}

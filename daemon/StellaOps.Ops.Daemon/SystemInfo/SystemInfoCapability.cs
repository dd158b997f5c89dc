using Microsoft.Extensions.DependencyInjection;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.SystemInfo;

/// <summary>Registers system.*: handshake, status over every capability's <see cref="ICapabilityStatus"/>, reload over every <see cref="IReloadable"/>, metrics.</summary>
public static class SystemInfoCapability
{
    public static IServiceCollection AddSystemInfoCapability(this IServiceCollection services)
    {
        services.AddSingleton<ISystemRpc, SystemRpc>();
        return services;
    }
}

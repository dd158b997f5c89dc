using Microsoft.Extensions.DependencyInjection;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Storage;

/// <summary>Registers the state database: the store, its health check (check.daemon.storage) and status.</summary>
public static class StorageCapability
{
    public static IServiceCollection AddStorageCapability(this IServiceCollection services)
    {
        services.AddSingleton<StateStore>();
        services.AddSingleton<ICapabilityStatus, StorageCapabilityStatus>();
        services.AddSingleton<IHealthCheck, StorageHealthCheck>();
        return services;
    }
}

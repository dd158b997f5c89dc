using Microsoft.Extensions.DependencyInjection;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>Registers the HSM capability: its options, the failover group, the RPC handler, health check and status.</summary>
public static class HsmCapability
{
    public static IServiceCollection AddHsmCapability(this IServiceCollection services)
    {
        // Filled in by the HSM capability work (issue 3).
        return services;
    }
}

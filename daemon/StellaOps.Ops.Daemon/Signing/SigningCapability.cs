using Microsoft.Extensions.DependencyInjection;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Signing;

/// <summary>Registers raw signing (signing.*): the RPC handler over the key capability's KeyService.</summary>
public static class SigningCapability
{
    public static IServiceCollection AddSigningCapability(this IServiceCollection services)
    {
        services.AddSingleton<ISigningRpc, SigningRpc>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Signing;

/// <summary>Registers raw signing (signing.*): the one batch signer (the attestor signs through it too) and the RPC handler.</summary>
public static class SigningCapability
{
    public static IServiceCollection AddSigningCapability(this IServiceCollection services)
    {
        services.AddSingleton<BatchSigner>();
        services.AddSingleton<ISigningRpc, SigningRpc>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;

namespace StellaOps.Ops.Daemon.Verification;

/// <summary>
/// Registers verification: the daemon's key store as a trust source (each trust source registers itself the same way,
/// as one more <see cref="ITrustMaterial"/>), the service, its RPC and its doctor check.
/// </summary>
public static class VerificationCapability
{
    public static IServiceCollection AddVerificationCapability(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrustMaterial, StoredKeyTrustMaterial>());
        services.AddSingleton<VerificationStats>();
        services.AddSingleton<VerificationService>();
        services.AddSingleton<IVerifyRpc, VerifyRpc>();
        services.AddSingleton<IHealthCheck, VerificationHealthCheck>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>
/// Registers the attestor: store, service, RPC handler, signing-health check, status, reload and start-up recovery.
/// It signs through the signing capability's <see cref="Signing.BatchSigner"/> with the key the key capability's
/// <see cref="Keys.SigningKeySelection"/> names.
/// </summary>
public static class AttestorCapability
{
    public static IServiceCollection AddAttestorCapability(this IServiceCollection services)
    {
        services.AddSingleton<AttestationStore>();
        services.AddSingleton<AttestorService>();
        services.AddSingleton<AttestationInspector>();
        services.AddSingleton<SigningProbe>();
        services.AddSingleton<IAttestRpc, AttestRpc>();
        services.AddSingleton<IHealthCheck, SigningHealthCheck>();
        services.AddSingleton<SigningModeWatch>();
        services.AddSingleton<IReloadable>(sp => sp.GetRequiredService<SigningModeWatch>());
        services.AddSingleton<ICapabilityStatus, AttestorCapabilityStatus>();
        services.AddHostedService<AttestorStartup>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// Registers trust sync: the daemon's one <see cref="ISigstoreTrustSource"/> (files an administrator names when
/// <c>Trust:TrustedRootFile</c> is set, otherwise the TUF repository), that trust as a verifier trust source, the
/// TUF client service with its refresh timer, RPC, doctor checks and status line.
/// </summary>
public static class TrustSyncCapability
{
    public static IServiceCollection AddTrustSyncCapability(this IServiceCollection services)
    {
        services.AddOptions<TrustSyncOptions>().BindConfiguration(TrustSyncOptions.Section);
        services.AddSingleton<TrustSyncPaths>();
        services.AddSingleton<FileSigstoreTrustSource>();
        services.AddSingleton<TufSigstoreTrustSource>();
        services.AddSingleton<ISigstoreTrustSource>(sp => sp.GetRequiredService<IOptions<TrustSyncOptions>>().Value.UsesFiles
            ? sp.GetRequiredService<FileSigstoreTrustSource>()
            : sp.GetRequiredService<TufSigstoreTrustSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrustMaterial, SigstoreTrustMaterial>());
        services.AddSingleton<TrustSyncService>();
        services.AddSingleton<TrustSyncStatusReader>();
        services.AddSingleton<ITrustSyncRpc, TrustSyncRpc>();
        services.AddSingleton<IHealthCheck, TrustMetadataFreshnessHealthCheck>();
        services.AddSingleton<IHealthCheck, TrustMetadataExpiryHealthCheck>();
        services.AddSingleton<ICapabilityStatus, TrustSyncCapabilityStatus>();
        services.AddSingleton<IReloadable, TrustSyncReload>();
        services.AddHostedService<TrustRefreshService>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// Registers trust sync: the daemon's one <see cref="ISigstoreTrustSource"/> (files an administrator names when
/// <c>Trust:TrustedRootFile</c> is set, otherwise the TUF repository) and that trust as a verifier trust source.
/// </summary>
public static class TrustSyncCapability
{
    public static IServiceCollection AddTrustSyncCapability(this IServiceCollection services)
    {
        services.AddOptions<TrustSyncOptions>().BindConfiguration(TrustSyncOptions.Section);
        services.AddSingleton<FileSigstoreTrustSource>();
        services.AddSingleton<TufSigstoreTrustSource>();
        services.AddSingleton<ISigstoreTrustSource>(sp => sp.GetRequiredService<IOptions<TrustSyncOptions>>().Value.UsesFiles
            ? sp.GetRequiredService<FileSigstoreTrustSource>()
            : sp.GetRequiredService<TufSigstoreTrustSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrustMaterial, SigstoreTrustMaterial>());
        services.AddSingleton<IReloadable, TrustSyncReload>();
        return services;
    }
}

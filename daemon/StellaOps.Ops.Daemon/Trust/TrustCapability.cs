using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>
/// Registers the trust capability: the trust-anchor store, key certificates, issuers and the issuer document this
/// daemon publishes. Its trust sources join the verifier's composite trust material.
/// </summary>
public static class TrustCapability
{
    public static IServiceCollection AddTrustCapability(this IServiceCollection services)
    {
        services.AddSingleton<TrustAnchorStore>();
        services.AddSingleton<TrustAnchorService>();
        services.AddSingleton<ITrustAnchorRpc, TrustAnchorRpc>();
        services.AddSingleton<KeyCertificateStore>();
        services.AddSingleton<KeyCertificateService>();
        services.AddSingleton<IKeyCertificateRpc, KeyCertificateRpc>();
        services.AddSingleton<IssuerStore>();
        services.AddSingleton<IssuerDocumentSource>();
        services.AddSingleton<IssuerService>();
        services.AddSingleton<IssuerDocumentPublisher>();
        services.AddSingleton<IIssuerRpc, IssuerRpc>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrustMaterial, TrustAnchorTrustMaterial>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrustMaterial, IssuerTrustMaterial>());
        return services;
    }
}

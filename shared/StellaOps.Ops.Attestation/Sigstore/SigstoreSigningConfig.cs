namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// A parsed and validated Sigstore <c>signing_config.v0.2.json</c> (<c>application/vnd.dev.sigstore.signingconfig.v0.2+json</c>):
/// which services a signer uses. Selection of the services to use now (highest supported API version, valid now,
/// newest start first, one per operator, the selector) belongs next to the parser, not to each caller.
/// </summary>
public sealed record SigstoreSigningConfig(
    string MediaType,
    IReadOnlyList<SigningService> CaUrls,
    IReadOnlyList<SigningService> OidcUrls,
    IReadOnlyList<SigningService> RekorTlogUrls,
    ServiceConfiguration RekorTlogConfig,
    IReadOnlyList<SigningService> TsaUrls,
    ServiceConfiguration TsaConfig);

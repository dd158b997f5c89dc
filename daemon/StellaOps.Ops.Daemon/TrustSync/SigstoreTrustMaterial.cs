using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// The daemon's Sigstore trust (TUF-delivered or from files) as one of the verifier's trust sources: whatever
/// trusted root <see cref="ISigstoreTrustSource.Current"/> holds at the moment of the read, mapped once per root, and
/// the issuer keys (with their windows) the repository's signing-keys.json target lists.
/// </summary>
public sealed class SigstoreTrustMaterial(ISigstoreTrustSource source) : ITrustMaterial
{
    private SigstoreTrustedRootTrustMaterial? _mapped;

    public IReadOnlyList<TrustedKey> Keys => source.Current.SigningKeys;

    public IReadOnlyList<TrustedCertificate> Certificates => Mapped()?.Certificates ?? [];

    public IReadOnlyList<TrustedIssuer> Issuers => [];

    public IReadOnlyList<TransparencyLogInstance> TransparencyLogs => Mapped()?.TransparencyLogs ?? [];

    private SigstoreTrustedRootTrustMaterial? Mapped()
    {
        var trust = source.Current;
        if (trust.TrustedRoot is not { } root) return null;
        var mapped = Volatile.Read(ref _mapped);
        if (mapped is not null && ReferenceEquals(mapped.TrustedRoot, root)) return mapped;
        mapped = new SigstoreTrustedRootTrustMaterial(root, trust.Origin);
        Volatile.Write(ref _mapped, mapped);
        return mapped;
    }
}

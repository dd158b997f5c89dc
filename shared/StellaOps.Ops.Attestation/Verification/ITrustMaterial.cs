using StellaOps.Ops.Attestation.Sigstore;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// Everything a verifier may trust, as one read-only view: public keys with their validity windows, CA roots and
/// intermediates, and named issuers. A verifier is built from one; each source (the daemon's key store, the trust
/// anchor store, the issuer directory, later the transparency-log keys and a TUF-delivered trusted root) is its own
/// implementation, and <see cref="CompositeTrustMaterial"/> joins them. Implementations return a consistent snapshot
/// per property read; a verification reads each property once.
/// </summary>
public interface ITrustMaterial
{
    /// <summary>Public keys trusted to sign, each with the window of signing times it is trusted for.</summary>
    IReadOnlyList<TrustedKey> Keys { get; }

    /// <summary>CA certificates: roots (trust anchors a chain must end at) and intermediates (links, not anchors).</summary>
    IReadOnlyList<TrustedCertificate> Certificates { get; }

    /// <summary>Named signer identities and whether each is trusted now.</summary>
    IReadOnlyList<TrustedIssuer> Issuers { get; }

    /// <summary>
    /// Transparency logs whose entries (inclusion proofs, checkpoints, SETs) the verifier accepts, each with its key's
    /// validity window. Most sources have none; the Sigstore trusted root (TUF-delivered or a file) supplies them.
    /// </summary>
    IReadOnlyList<TransparencyLogInstance> TransparencyLogs => [];
}

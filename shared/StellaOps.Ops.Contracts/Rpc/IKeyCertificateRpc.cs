using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// Certificates for signing keys: a CSR signed by the key itself (in the HSM for HSM keys), the certificate an
/// admin's CA issued with its chain, the chain rebuilt from the trust store, and each link of it checked
/// (<c>stella crypto cert verify-chain|update-chain</c>, <c>stella verify cert-chain|cert</c>). Chains are built
/// against the trust store only, never the system's roots.
/// </summary>
[JsonRpcContract]
public partial interface IKeyCertificateRpc
{
    /// <summary>A PKCS#10 certificate signing request for the key, signed by the key (proof of possession).</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<CertificateRequestInfo> CreateRequestAsync(string keyId, string subject, CancellationToken cancellationToken);

    /// <summary>Stores the key's certificate: the leaf (which must carry the key's public key) then its chain, as PEM.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<KeyCertificateInfo> SetAsync(string keyId, KeyCertificateUpload upload, CancellationToken cancellationToken);

    /// <summary>
    /// Rebuilds the stored chain of the key's leaf from the trust store's current intermediates, plus the
    /// certificates of <paramref name="upload"/> when given, and says what changed.
    /// </summary>
    [RequiresRole(CallerRole.Operator)]
    Task<KeyCertificateChainUpdate> UpdateChainAsync(string keyId, KeyCertificateUpload? upload, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Reader)]
    Task<KeyCertificateInfo> GetAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Every link of the chain of a key's certificate, or of the key that signed an attestation, checked now.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<CertificateChainReport> TestChainAsync(CertificateChainQuery query, CancellationToken cancellationToken);
}

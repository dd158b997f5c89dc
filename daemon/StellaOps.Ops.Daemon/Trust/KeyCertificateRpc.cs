using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Trust;

public sealed class KeyCertificateRpc(KeyCertificateService certificates) : IKeyCertificateRpc
{
    public Task<CertificateRequestInfo> CreateRequestAsync(string keyId, string subject, CancellationToken cancellationToken)
        => certificates.CreateRequestAsync(keyId, subject, cancellationToken);

    public Task<KeyCertificateInfo> SetAsync(string keyId, KeyCertificateUpload upload, CancellationToken cancellationToken)
        => Task.FromResult(certificates.Set(keyId, upload));

    public Task<KeyCertificateChainUpdate> UpdateChainAsync(string keyId, KeyCertificateUpload? upload, CancellationToken cancellationToken)
        => Task.FromResult(certificates.UpdateChain(keyId, upload));

    public Task<KeyCertificateInfo> GetAsync(string keyId, CancellationToken cancellationToken) => Task.FromResult(certificates.Get(keyId));

    public Task<CertificateChainReport> TestChainAsync(CertificateChainQuery query, CancellationToken cancellationToken)
        => Task.FromResult(certificates.TestChain(query));
}

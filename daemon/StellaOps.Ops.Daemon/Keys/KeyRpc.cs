using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Keys;

public sealed class KeyRpc(KeyService keys, Trust.IssuerDocumentPublisher issuerDocument) : IKeyRpc
{
    public Task<KeyInfo[]> ListAsync(KeyQuery query, CancellationToken cancellationToken) => Task.FromResult(keys.List(query ?? new KeyQuery()));

    public Task<KeyInfo> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult(keys.Resolve(id).ToInfo(keys.Now));

    public Task<PublicKeyInfo> GetPublicKeyAsync(string id, CancellationToken cancellationToken) => Task.FromResult(keys.PublicKey(id));

    public Task<KeyInfo> GenerateAsync(KeyGenerationRequest request, CancellationToken cancellationToken) => keys.GenerateAsync(request, cancellationToken);

    public Task<KeyInfo> ActivateAsync(string id, CancellationToken cancellationToken) => keys.ActivateAsync(id, "activated by an operator", cancellationToken);

    public Task<KeyInfo> RegisterAsync(string id, string purpose, CancellationToken cancellationToken) => keys.RegisterAsync(id, purpose, cancellationToken);

    public Task<KeyTestResult> TestAsync(string id, KeyOperation operation, CancellationToken cancellationToken) => keys.TestAsync(id, cancellationToken);

    public Task<KeyEvent[]> GetHistoryAsync(string? id, CancellationToken cancellationToken) => Task.FromResult(keys.History(id));

    public Task<KeyInfo> RevokeAsync(string id, string reason, CancellationToken cancellationToken) => keys.RevokeAsync(id, reason, cancellationToken);

    /// <summary>Publishes the key, then rewrites the issuer document listing every published key (signed across a rotation by old and new).</summary>
    public async Task<PublishedKey> PublishAsync(string id, CancellationToken cancellationToken)
    {
        var published = await keys.PublishAsync(id, cancellationToken).ConfigureAwait(false);
        await issuerDocument.PublishAsync(published.Id, cancellationToken).ConfigureAwait(false);
        return published;
    }

    public Task<KeyRotationResult> RotateAsync(string? id, CancellationToken cancellationToken) => keys.RotateAsync(id, "requested by an operator", cancellationToken);
}

using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>Signing keys and their whole life (runbook "signing key expired").</summary>
[JsonRpcContract]
public partial interface IKeyRpc
{
    [RequiresRole(CallerRole.Reader)]
    Task<KeyInfo[]> ListAsync(KeyQuery query, CancellationToken cancellationToken);

    /// <summary>A key by its id (or an unambiguous id prefix of at least 8 characters).</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<KeyInfo> GetAsync(string id, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Reader)]
    Task<PublicKeyInfo> GetPublicKeyAsync(string id, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Operator)]
    Task<KeyInfo> GenerateAsync(KeyGenerationRequest request, CancellationToken cancellationToken);

    /// <summary>Makes the key the active one for its purpose; the previous active key becomes inactive.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<KeyInfo> ActivateAsync(string id, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Operator)]
    Task<KeyInfo> RegisterAsync(string id, string purpose, CancellationToken cancellationToken);

    /// <summary>Signs random data with the key and verifies it with the public key.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<KeyTestResult> TestAsync(string id, KeyOperation operation, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Reader)]
    Task<KeyEvent[]> GetHistoryAsync(string? id, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Operator)]
    Task<KeyInfo> RevokeAsync(string id, string reason, CancellationToken cancellationToken);

    /// <summary>Writes the public key into the issuer directory that verification trusts.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<PublishedKey> PublishAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces the key (or the active key) with a new one of the same kind and activates it; the old one stays valid for verification for the overlap.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<KeyRotationResult> RotateAsync(string? id, CancellationToken cancellationToken);
}

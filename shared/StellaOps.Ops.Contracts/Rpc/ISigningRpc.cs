using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// Raw signatures with the attestor's signing key (<c>Invoke-StellaSign</c>). Batched: one call carries many
/// requests and answers each on its own, so a pipeline of thousands of digests costs a handful of round trips.
/// </summary>
[JsonRpcContract]
public partial interface ISigningRpc
{
    /// <summary>
    /// Signs each request with <see cref="SignRequest.KeyId"/> or, when null, the key the attestor signs with
    /// (attest.signing.key_id, else the active key of the signing mode). A failed item carries its error; the
    /// others still sign.
    /// </summary>
    [RequiresRole(CallerRole.Operator)]
    Task<SignResult[]> SignAsync(SignRequest[] requests, CancellationToken cancellationToken);

    /// <summary>
    /// The key <see cref="SignAsync"/> would sign with for this <paramref name="keyId"/> (null: the attestor's key),
    /// so a client knows before it sends whether to hash (SHA-256, SHA-384 for P-384) or to send the data (Ed25519).
    /// </summary>
    [RequiresRole(CallerRole.Reader)]
    Task<KeyInfo> GetKeyAsync(string? keyId, CancellationToken cancellationToken);
}

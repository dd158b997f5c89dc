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

public sealed record SignRequest : IAuditDescribed
{
    /// <summary>The message itself; the key's algorithm hashes it (SHA-256, SHA-384 for P-384; Ed25519 signs it whole).</summary>
    public byte[]? Data { get; init; }

    /// <summary>A precomputed digest, <c>sha256:hex</c> (or <c>sha384:hex</c> for a P-384 key). Not for Ed25519 keys.</summary>
    public string? Digest { get; init; }

    public string? KeyId { get; init; }

    /// <summary>The digest (cut to 100 characters, it is the client's text), or only the size of the data: data is never audited.</summary>
    public string DescribeForAudit() =>
        (Digest is { } d ? "digest " + (d.Length > 100 ? d[..100] + "…" : d) : $"data ({Data?.Length ?? 0} bytes)")
        + (KeyId is null ? "" : ", key " + (KeyId.Length > 100 ? KeyId[..100] + "…" : KeyId));
}

public sealed record SignResult
{
    /// <summary>ECDSA as ASN.1 DER, RSA PKCS#1 v1.5, Ed25519 raw; null when <see cref="Error"/> is set.</summary>
    public byte[]? Signature { get; init; }
    public string KeyId { get; init; } = "";
    public KeyAlgorithm Algorithm { get; init; }
    /// <summary>The digest that was signed, <c>sha256:hex</c> (of the data when data was given; empty for Ed25519 data).</summary>
    public string Digest { get; init; } = "";
    public OpsError? Error { get; init; }
}

/// <summary>An error for one item of a batch, with the same fields an <see cref="OpsException"/> carries.</summary>
public sealed record OpsError
{
    public OpsErrorCode Code { get; init; }
    public string Message { get; init; } = "";
    public string? Target { get; init; }
    public string? RecommendedAction { get; init; }

    public static OpsError From(OpsException exception) => new()
    {
        Code = exception.Code,
        Message = exception.Message,
        Target = exception.Target,
        RecommendedAction = exception.RecommendedAction,
    };

    public OpsException ToException() => new(Code, Message, Target, RecommendedAction);

    public override string ToString() => $"{Code}: {Message} {RecommendedAction}".TrimEnd();
}

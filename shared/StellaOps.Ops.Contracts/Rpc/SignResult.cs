using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

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

using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

/// <summary>A key pair on the token (by its private key object), or a public key whose private key is missing.</summary>
public sealed record HsmKeyInfo(byte[] Id, string Label, KeyAlgorithm? Algorithm, bool HasPublicKeyObject)
{
    public string IdHex => Convert.ToHexString(Id);

    /// <summary>False for a public key object alone (a pair whose creation was interrupted, or an imported public key).</summary>
    public bool HasPrivateKeyObject { get; init; } = true;
}

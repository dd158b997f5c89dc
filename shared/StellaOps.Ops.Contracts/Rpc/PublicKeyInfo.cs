namespace StellaOps.Ops.Contracts.Rpc;

public sealed record PublicKeyInfo
{
    public string Id { get; init; } = "";
    public KeyAlgorithm Algorithm { get; init; }
    public string Pem { get; init; } = "";

    /// <summary>The PEM text itself: what a verifier or openssl reads.</summary>
    public override string ToString() => Pem;
}

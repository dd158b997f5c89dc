namespace StellaOps.Ops.Contracts.Rpc;

public sealed record KeyGenerationRequest
{
    public KeyType Type { get; init; } = KeyType.Signing;
    public KeyAlgorithm Algorithm { get; init; } = KeyAlgorithm.EcdsaP256;
    public Duration Validity { get; init; } = Duration.Parse("365d");
    public string? Name { get; init; }
    /// <summary>HSM slot (label, serial or slot id) to generate in; null for the configured token.</summary>
    public string? HsmSlot { get; init; }
    /// <summary>Null: follow attest.signing.mode.</summary>
    public KeyProvider? Provider { get; init; }
    public string Purpose { get; init; } = "attestation-signing";
}

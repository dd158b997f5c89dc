namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>Whose chain to check: a key's, or that of the key an attestation was signed with. Exactly one is set.</summary>
public sealed record CertificateChainQuery
{
    public string? KeyId { get; init; }
    public string? AttestationId { get; init; }
}

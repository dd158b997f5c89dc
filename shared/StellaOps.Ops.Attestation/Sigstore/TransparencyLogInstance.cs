namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// One transparency log (or certificate-transparency log) of a trusted root: where it is, the key its
/// signed tree heads / checkpoints and SETs are verified with, and when that key is valid.
/// </summary>
/// <param name="BaseUrl">The log's base URL (<c>baseUrl</c>).</param>
/// <param name="HashAlgorithm">The tree's hash (<c>hashAlgorithm</c>, e.g. <c>SHA2_256</c>).</param>
/// <param name="PublicKeySpki">The log key as SubjectPublicKeyInfo DER (<c>publicKey.rawBytes</c>).</param>
/// <param name="KeyDetails">The key's algorithm as Sigstore names it (<c>publicKey.keyDetails</c>, e.g. <c>PKIX_ECDSA_P256_SHA_256</c>).</param>
/// <param name="ValidFor">When the key is valid (<c>publicKey.validFor</c>).</param>
/// <param name="LogId">The log id (<c>logId.keyId</c>): for v1 logs the SHA-256 of the key's SPKI.</param>
/// <param name="CheckpointKeyId">For C2SP checkpoints (Rekor v2), <c>checkpointKeyId.keyId</c> when the trusted root gives it.</param>
/// <param name="Operator">Who runs the log (<c>operator</c>, v0.2): proofs from one operator count once toward a threshold.</param>
public sealed record TransparencyLogInstance(
    Uri BaseUrl,
    string HashAlgorithm,
    byte[] PublicKeySpki,
    string KeyDetails,
    ValidityPeriod ValidFor,
    byte[] LogId,
    byte[]? CheckpointKeyId = null,
    string? Operator = null);

using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Signing;

/// <summary>
/// Signs DSSE pre-authentication encodings. Implementations return the signature in DSSE wire format:
/// ECDSA as ASN.1 DER (<see cref="System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence"/>; convert an
/// HSM's raw r‖s with <see cref="SignatureFormats.P1363ToDer"/>), rsa-3072 as PKCS#1 v1.5 over SHA-256, ed25519 as
/// the raw 64-byte signature. ecdsa-p256 hashes with SHA-256, ecdsa-p384 with SHA-384 (<see cref="KeyAlgorithms.Hash"/>).
/// </summary>
public interface IDsseSigner
{
    /// <summary>The key id written into the envelope: lowercase hex SHA-256 of the SPKI DER (<see cref="KeyIds"/>).</summary>
    string KeyId { get; }

    KeyAlgorithm Algorithm { get; }

    /// <summary>Signs <paramref name="pae"/> (the whole PAE; the signer hashes it as its algorithm requires).</summary>
    Task<byte[]> SignAsync(ReadOnlyMemory<byte> pae, CancellationToken cancellationToken = default);
}

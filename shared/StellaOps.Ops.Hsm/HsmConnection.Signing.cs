using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

// Signing messages and prehashed digests.
public sealed partial class HsmConnection : IHsmSigner
{
    /// <summary>
    /// Signs <paramref name="message"/> with the private key with this CKA_ID. The library hashes with the digest
    /// <see cref="SigningHash"/> names and signs it as <see cref="SignDigestAsync"/> does: ecdsa-p256/p384 → CKM_ECDSA
    /// (raw r‖s, IEEE P1363, 64/96 bytes; convert to DER where a format needs it); rsa-3072 → CKM_RSA_PKCS over the
    /// DigestInfo (PKCS#1 v1.5); ed25519 → CKM_EDDSA over the message itself (64 bytes).
    /// </summary>
    public Task<byte[]> SignAsync(byte[] ckaId, KeyAlgorithm algorithm, byte[] message, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        ArgumentNullException.ThrowIfNull(message);
        return algorithm switch
        {
            KeyAlgorithm.Ed25519 => SignRawAsync(ckaId, algorithm, CkmEddsa, message, cancellationToken),
            KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384 or KeyAlgorithm.Rsa3072 => SignDigestAsync(ckaId, algorithm, SigningHash.Digest(algorithm, message), cancellationToken),
            _ => throw new HsmException(HsmErrorKind.Unsupported, $"Key algorithm {algorithm} is not supported.", null, Name),
        };
    }

    /// <summary>
    /// Signs a digest computed elsewhere (prehashed): ecdsa-p256 takes a SHA-256 digest, ecdsa-p384 a SHA-384 digest
    /// (CKM_ECDSA, raw r‖s); rsa-3072 a SHA-256 digest, wrapped in its DigestInfo for CKM_RSA_PKCS (the same
    /// PKCS#1 v1.5 signature CKM_SHA256_RSA_PKCS makes over the data). Ed25519 has no prehashed form here: it is
    /// <see cref="HsmErrorKind.Unsupported"/>, sign the message instead.
    /// </summary>
    public Task<byte[]> SignDigestAsync(byte[] ckaId, KeyAlgorithm algorithm, byte[] digest, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        var (mechanism, data) = DigestPayload(algorithm, digest);
        return SignRawAsync(ckaId, algorithm, mechanism, data, cancellationToken);
    }

    /// <summary>
    /// Signs several digests with one key in one call: one pool session and one worker hop for the lot instead of one
    /// per signature, which is what batched signing spends most of its time on otherwise. Same rules as
    /// <see cref="SignDigestAsync"/>; a failure fails the whole call (the error policy may retry it on a new session).
    /// </summary>
    public Task<byte[][]> SignDigestsAsync(byte[] ckaId, KeyAlgorithm algorithm, IReadOnlyList<byte[]> digests, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        ArgumentNullException.ThrowIfNull(digests);
        var payloads = digests.Select(d => DigestPayload(algorithm, d)).ToArray();
        return ExecuteAsync("C_Sign", (s, ctx) =>
        {
            var key = FindPrivateKey(s, ctx, ckaId, algorithm);
            var signatures = new byte[payloads.Length][];
            // One mechanism object for the call (the digests of one algorithm all sign with the same one), disposed
            // after it: a Pkcs11Interop mechanism has a finalizer, and one left undisposed per signature was work for
            // the finalizer thread.
            Net.Pkcs11Interop.HighLevelAPI.IMechanism? mechanism = null;
            try
            {
                for (var i = 0; i < payloads.Length; i++)
                {
                    if (mechanism is null || mechanism.Type != payloads[i].Mechanism)
                    {
                        mechanism?.Dispose();
                        mechanism = Pkcs11Library.Factories.MechanismFactory.Create(payloads[i].Mechanism);
                    }
                    signatures[i] = s.Sign(mechanism, key, payloads[i].Data);
                }
            }
            finally
            {
                mechanism?.Dispose();
            }
            return signatures;
        }, cancellationToken);
    }

    private (ulong Mechanism, byte[] Data) DigestPayload(KeyAlgorithm algorithm, byte[] digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var length = algorithm == KeyAlgorithm.Ed25519 ? 0 : SigningHash.Length(algorithm);
        return algorithm switch
        {
            KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384 when digest.Length == length => ((ulong)CKM.CKM_ECDSA, digest),
            KeyAlgorithm.Rsa3072 when digest.Length == length && SigningHash.For(algorithm) == HashAlgorithmName.SHA256 => ((ulong)CKM.CKM_RSA_PKCS, [.. Sha256DigestInfoPrefix, .. digest]),
            KeyAlgorithm.Ed25519 => throw new HsmException(HsmErrorKind.Unsupported, "Ed25519 signs the whole message, not a digest: pass the data.", null, Name),
            _ => throw new HsmException(HsmErrorKind.Unsupported, $"A {algorithm} key does not sign a {digest.Length}-byte digest (ecdsa-p256 and rsa-3072: SHA-256, 32 bytes; ecdsa-p384: SHA-384, 48 bytes).", null, Name),
        };
    }

    /// <summary>DER of DigestInfo { sha256, NULL } up to the OCTET STRING header (RFC 8017 §9.2 note 1).</summary>
    private static readonly byte[] Sha256DigestInfoPrefix = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];

    private Task<byte[]> SignRawAsync(byte[] ckaId, KeyAlgorithm algorithm, ulong mechanism, byte[] data, CancellationToken cancellationToken) =>
        ExecuteAsync("C_Sign", (s, ctx) =>
        {
            var key = FindPrivateKey(s, ctx, ckaId, algorithm);
            using var signing = Pkcs11Library.Factories.MechanismFactory.Create(mechanism);
            return s.Sign(signing, key, data);
        }, cancellationToken);
}

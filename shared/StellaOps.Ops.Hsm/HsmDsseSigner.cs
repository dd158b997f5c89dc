using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

/// <summary>
/// One key on an HSM as a DSSE signer, with no daemon needed (the TUF root ceremony on an air-gapped machine signs
/// exactly as the daemon does): the PAE is hashed here with the hash <see cref="SigningHash"/> names, the digest is
/// signed on the token (<c>CKM_ECDSA</c>, <c>CKM_RSA_PKCS</c> over the DigestInfo; Ed25519 signs the PAE whole with
/// <c>CKM_EDDSA</c>), and ECDSA's raw r‖s comes back as DER, the DSSE wire format.
/// </summary>
public sealed class HsmDsseSigner : IDigestSigner
{
    private readonly IHsmSigner _token;
    private readonly byte[] _ckaId;

    /// <param name="token">An <see cref="HsmConnection"/>, an <see cref="HsmFailoverGroup"/>, or the daemon's view of its HSMs.</param>
    /// <param name="ckaId">The key pair's CKA_ID.</param>
    /// <param name="algorithm">The key's algorithm.</param>
    /// <param name="keyId">The envelope's key id: <see cref="KeyIds.FromSpki"/> of the public key.</param>
    public HsmDsseSigner(IHsmSigner token, byte[] ckaId, KeyAlgorithm algorithm, string keyId)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(ckaId);
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        _token = token;
        _ckaId = ckaId;
        Algorithm = algorithm;
        KeyId = keyId;
    }

    public string KeyId { get; }

    public KeyAlgorithm Algorithm { get; }

    public async Task<byte[]> SignAsync(ReadOnlyMemory<byte> pae, CancellationToken cancellationToken = default)
        => (await SignManyAsync([pae.ToArray()], cancellationToken).ConfigureAwait(false))[0];

    public async Task<byte[][]> SignManyAsync(IReadOnlyList<byte[]> paes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paes);
        if (SigningHash.SignsDigest(Algorithm))
            return await SignDigestsAsync([.. paes.Select(p => SigningHash.Digest(Algorithm, p))], cancellationToken).ConfigureAwait(false);
        var signatures = new byte[paes.Count][];
        for (var i = 0; i < paes.Count; i++)
            signatures[i] = SignatureFormats.P1363ToDer(await _token.SignAsync(_ckaId, Algorithm, paes[i], cancellationToken).ConfigureAwait(false), Algorithm);
        return signatures;
    }

    public async Task<byte[][]> SignDigestsAsync(IReadOnlyList<byte[]> digests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(digests);
        if (!SigningHash.SignsDigest(Algorithm)) throw new NotSupportedException($"A {Algorithm.ToName()} key signs the whole message, not a digest.");
        var raw = await _token.SignDigestsAsync(_ckaId, Algorithm, digests, cancellationToken).ConfigureAwait(false);
        return [.. raw.Select(r => SignatureFormats.P1363ToDer(r, Algorithm))];
    }

    public override string ToString() => $"{Algorithm.ToName()} HSM signer {KeyId}";
}

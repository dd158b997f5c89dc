using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// A software key sealed by the master key as a signer: each call unseals it once, signs the lot with
/// <see cref="SoftwareDsseSigner"/> (which hashes as <see cref="SigningHash"/> says) and wipes the plaintext.
/// </summary>
internal sealed class SealedKeySigner(SoftwareKeyVault vault, KeyRecord key) : IDigestSigner
{
    public string KeyId => key.Id;

    public KeyAlgorithm Algorithm => key.Algorithm;

    public async Task<byte[]> SignAsync(ReadOnlyMemory<byte> pae, CancellationToken cancellationToken = default)
        => (await SignManyAsync([pae.ToArray()], cancellationToken).ConfigureAwait(false))[0];

    public Task<byte[][]> SignManyAsync(IReadOnlyList<byte[]> paes, CancellationToken cancellationToken = default)
        => Task.FromResult(With(signer => paes.Select(p => signer.Sign(p)).ToArray()));

    public Task<byte[][]> SignDigestsAsync(IReadOnlyList<byte[]> digests, CancellationToken cancellationToken = default)
        => Task.FromResult(With(signer => digests.Select(d => signer.SignHash(d)).ToArray()));

    private byte[][] With(Func<SoftwareDsseSigner, byte[][]> sign)
    {
        var pkcs8 = vault.Unseal(key.Id, key.SealedPrivateKey!);
        try
        {
            using var signer = SoftwareDsseSigner.FromPkcs8(pkcs8, key.Id);
            return sign(signer);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }
}

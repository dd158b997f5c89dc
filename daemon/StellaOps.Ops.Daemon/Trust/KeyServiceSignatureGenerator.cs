using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>
/// Lets .NET's <see cref="CertificateRequest"/> sign with a stored key through the key service: in the HSM for HSM
/// keys, so the private key never leaves it. The algorithm identifier and public key come from .NET's own generator
/// over the public key; only the signature is the key service's (ECDSA as DER, RSA PKCS#1 v1.5, as X.509 wants).
/// </summary>
internal sealed class KeyServiceSignatureGenerator : X509SignatureGenerator, IDisposable
{
    private readonly KeyService _keys;
    private readonly KeyRecord _key;
    private readonly CancellationToken _cancellationToken;
    private readonly AsymmetricAlgorithm _publicKey;
    private readonly X509SignatureGenerator _identifiers;

    public KeyServiceSignatureGenerator(KeyService keys, KeyRecord key, CancellationToken cancellationToken)
    {
        _keys = keys;
        _key = key;
        _cancellationToken = cancellationToken;
        switch (key.Algorithm)
        {
            case KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384:
                var ec = ECDsa.Create();
                ec.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);
                _publicKey = ec;
                _identifiers = CreateForECDsa(ec);
                break;
            case KeyAlgorithm.Rsa3072:
                var rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);
                _publicKey = rsa;
                _identifiers = CreateForRSA(rsa, RSASignaturePadding.Pkcs1);
                break;
            default:
                throw OpsException.InvalidArgument($"Key {key.Id} is {key.Algorithm.ToName()}; certificate requests are made for ecdsa-p256, ecdsa-p384 and rsa-3072 keys.", key.Id,
                    "Generate an ecdsa-p256 key for a certificate ('stella keys generate --type signing --algorithm ecdsa-p256').");
        }
    }

    /// <summary>The hash the key service signs with for this key (SHA-384 for P-384, SHA-256 otherwise).</summary>
    public HashAlgorithmName Hash => KeyAlgorithms.Hash(_key.Algorithm) ?? HashAlgorithmName.SHA256;

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => _identifiers.GetSignatureAlgorithmIdentifier(hashAlgorithm);

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
    {
        if (hashAlgorithm != Hash)
            throw new CryptographicException($"Key {_key.Id} signs with {Hash.Name}, not {hashAlgorithm.Name}.");
        // CertificateRequest asks synchronously; the key service's signature is asynchronous (an HSM call).
        return _keys.Signer(_key).SignAsync(data, _cancellationToken).GetAwaiter().GetResult();
    }

    protected override PublicKey BuildPublicKey() => PublicKey.CreateFromSubjectPublicKeyInfo(_key.SubjectPublicKeyInfo, out _);

    public void Dispose() => _publicKey.Dispose();
}

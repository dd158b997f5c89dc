using System.Security.Cryptography;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests.Signing;

/// <summary>Checks a signature against the key's public key as the daemon exports it (PEM), with .NET's own crypto.</summary>
internal sealed class SigningVerify : IDisposable
{
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;

    private SigningVerify(KeyAlgorithm algorithm, string pem)
    {
        Algorithm = algorithm;
        if (algorithm is KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384) { _ecdsa = ECDsa.Create(); _ecdsa.ImportFromPem(pem); }
        else if (algorithm == KeyAlgorithm.Rsa3072) { _rsa = RSA.Create(); _rsa.ImportFromPem(pem); }
        else throw new NotSupportedException($"{algorithm}: verify Ed25519 with the Attestation verifier.");
    }

    public KeyAlgorithm Algorithm { get; }

    public static async Task<SigningVerify> ForAsync(OpsClient client, KeyInfo key) =>
        new(key.Algorithm, (await client.Keys.GetPublicKeyAsync(key.Id, CancellationToken.None)).Pem);

    /// <summary>True when <paramref name="signature"/> (ECDSA DER / RSA PKCS#1 v1.5) signs <paramref name="digest"/>.</summary>
    public bool VerifiesDigest(byte[] digest, byte[] signature) => _ecdsa is not null
        ? _ecdsa.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence)
        : _rsa!.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public bool VerifiesData(byte[] data, byte[] signature) => _ecdsa is not null
        ? _ecdsa.VerifyData(data, signature, Algorithm == KeyAlgorithm.EcdsaP384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
        : _rsa!.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }
}

using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Signing;

/// <summary>A freshly generated software key: unencrypted PKCS#8 private key DER and SPKI public key DER.</summary>
public sealed record SoftwareKeyPair(KeyAlgorithm Algorithm, byte[] Pkcs8PrivateKey, byte[] SubjectPublicKeyInfo)
{
    public string KeyId => KeyIds.FromSpki(SubjectPublicKeyInfo);

    public string PublicKeyPem => Signing.PublicKeyPem.Encode(SubjectPublicKeyInfo);

    /// <summary>Never print the private key.</summary>
    public override string ToString() => $"{Algorithm.ToName()} key {KeyId}";
}

using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Signing;

/// <summary>Software key generation (the daemon's software key provider encrypts the PKCS#8 before storing it).</summary>
public static class SoftwareKeys
{
    public static SoftwareKeyPair Generate(KeyAlgorithm algorithm)
    {
        switch (algorithm)
        {
            case KeyAlgorithm.EcdsaP256:
            case KeyAlgorithm.EcdsaP384:
            {
                using var ec = ECDsa.Create(algorithm == KeyAlgorithm.EcdsaP256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384);
                return new SoftwareKeyPair(algorithm, ec.ExportPkcs8PrivateKey(), ec.ExportSubjectPublicKeyInfo());
            }
            case KeyAlgorithm.Rsa3072:
            {
                using var rsa = RSA.Create(3072);
                return new SoftwareKeyPair(algorithm, rsa.ExportPkcs8PrivateKey(), rsa.ExportSubjectPublicKeyInfo());
            }
            case KeyAlgorithm.Ed25519:
            {
                var generator = new Ed25519KeyPairGenerator();
                generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
                var pair = generator.GenerateKeyPair();
                var pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetDerEncoded();
                var spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetDerEncoded();
                return new SoftwareKeyPair(algorithm, pkcs8, spki);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null);
        }
    }

    /// <summary>The SPKI DER of the public half of an unencrypted PKCS#8 private key.</summary>
    public static byte[] PublicKeyFromPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        using var signer = SoftwareDsseSigner.FromPkcs8(pkcs8);
        return signer.SubjectPublicKeyInfo;
    }

    internal static Ed25519PublicKeyParameters Ed25519Public(Ed25519PrivateKeyParameters key) => key.GeneratePublicKey();
}

using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Security;

namespace StellaOps.Ops.Tuf.Repository;

/// <summary>
/// A private key in a file as PKCS#8 EncryptedPrivateKeyInfo (PEM "ENCRYPTED PRIVATE KEY") with PBES2: PBKDF2-HMAC-SHA256
/// and AES-256-CBC, what OpenSSL writes and reads (<c>openssl pkey -in k.p8</c>). The encryption is .NET's PKCS#8 code;
/// ed25519 keys get their PKCS#8 form from BouncyCastle (.NET has no ed25519 type). The password is never stored.
/// </summary>
public static class TufKeyFile
{
    public const string Ed25519 = "ed25519";
    public const string EcdsaP256 = "ecdsa-p256";
    private const string Ed25519Oid = "1.3.101.112";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    public static IReadOnlyList<string> Algorithms { get; } = [Ed25519, EcdsaP256];

    /// <summary>A new key of <paramref name="algorithm"/>: its signer and the encrypted file's bytes.</summary>
    public static (SoftwareTufSigner Signer, byte[] Pem) Generate(string algorithm, ReadOnlySpan<char> password, int iterations)
    {
        byte[] pkcs8;
        switch (algorithm)
        {
            case Ed25519:
                var ed = new Ed25519PrivateKeyParameters(new SecureRandom());
                // RFC 8410 version 1 form (no embedded public key), which every PKCS#8 reader takes.
                pkcs8 = new PrivateKeyInfo(new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(Org.BouncyCastle.Asn1.EdEC.EdECObjectIdentifiers.id_Ed25519),
                    new Org.BouncyCastle.Asn1.DerOctetString(ed.GetEncoded())).GetDerEncoded();
                break;
            case EcdsaP256:
                using (var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256)) pkcs8 = ec.ExportPkcs8PrivateKey();
                break;
            default:
                throw new ArgumentException($"Unsupported key algorithm '{algorithm}': use {string.Join(" or ", Algorithms)}.", nameof(algorithm));
        }
        try
        {
            return (FromPkcs8(pkcs8, algorithm), Encrypt(pkcs8, password, iterations));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    public static byte[] Encrypt(byte[] pkcs8, ReadOnlySpan<char> password, int iterations)
    {
        if (password.Length == 0) throw new ArgumentException("An empty password protects nothing.", nameof(password));
        var info = Pkcs8PrivateKeyInfo.Decode(pkcs8, out _, skipCopy: true);
        var der = info.Encrypt(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, iterations));
        return System.Text.Encoding.ASCII.GetBytes(PemEncoding.WriteString("ENCRYPTED PRIVATE KEY", der) + "\n");
    }

    /// <summary>The signer for the key in <paramref name="path"/>; a wrong password or a damaged file is one error naming the file.</summary>
    public static SoftwareTufSigner Load(string path, ReadOnlySpan<char> password)
    {
        if (!File.Exists(path)) throw TufRepositoryErrors.KeyUnavailable(path, "the file does not exist");
        byte[] pkcs8;
        try
        {
            var text = File.ReadAllText(path);
            var fields = PemEncoding.Find(text);
            if (text[fields.Label] != "ENCRYPTED PRIVATE KEY") throw new CryptographicException("not an ENCRYPTED PRIVATE KEY");
            var der = Convert.FromBase64String(text[fields.Base64Data]);
            pkcs8 = Pkcs8PrivateKeyInfo.DecryptAndDecode(password, der, out _).Encode();
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
        {
            throw TufRepositoryErrors.KeyUnavailable(path, "it is not an encrypted PKCS#8 key this password opens");
        }
        try
        {
            var oid = Pkcs8PrivateKeyInfo.Decode(pkcs8, out _).AlgorithmId.Value;
            return FromPkcs8(pkcs8, oid switch
            {
                Ed25519Oid => Ed25519,
                EcPublicKeyOid => EcdsaP256,
                _ => throw TufRepositoryErrors.KeyUnavailable(path, $"its algorithm {oid} is neither ed25519 nor ECDSA P-256"),
            });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static SoftwareTufSigner FromPkcs8(byte[] pkcs8, string algorithm)
    {
        if (algorithm == Ed25519) return SoftwareTufSigner.FromEd25519((Ed25519PrivateKeyParameters)PrivateKeyFactory.CreateKey(pkcs8));
        var ec = ECDsa.Create();
        ec.ImportPkcs8PrivateKey(pkcs8, out _);
        if (ec.KeySize != 256) throw new CryptographicException("only P-256 ECDSA keys are used for TUF here");
        return SoftwareTufSigner.FromEcdsa(ec);
    }

    /// <summary>"ed25519" or "ecdsa-p256" for a TUF key.</summary>
    public static string AlgorithmOf(TufKey key) => key.KeyType == TufKey.Ed25519 ? Ed25519 : EcdsaP256;
}

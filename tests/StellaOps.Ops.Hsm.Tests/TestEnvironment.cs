using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Hsm;
using StellaOps.Ops.TestSupport;

// Native environment (SOFTHSM2_CONF, P11_KIT_SERVER_ADDRESS) and module loaders are process-wide: run tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace StellaOps.Ops.Hsm.Tests;

/// <summary>
/// Tokens used through libsofthsm2.so inside this process must share one SOFTHSM2_CONF (SoftHSM reads it at
/// C_Initialize from the native environment), so they all live in one directory set up once here.
/// </summary>
internal static class TestEnvironment
{
    private static readonly Lazy<string> SharedDirectory = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "stellaops-hsm-tests-" + Environment.ProcessId);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        NativeEnvironment.Set("SOFTHSM2_CONF", Path.Combine(dir, "softhsm2.conf"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        };
        return dir;
    });

    /// <summary>A token usable directly (libsofthsm2.so in this process).</summary>
    public static SoftHsmToken DirectToken(string pin = "1234", string? label = null)
    {
        string dir = SharedDirectory.Value;
        var token = SoftHsmToken.Create(label, pin, "5678", dir);
        return token;
    }

    public static HsmConnectionOptions Direct(SoftHsmToken token, string name = "direct", HsmPinProvider? pin = null) => new()
    {
        Name = name,
        LibraryPath = token.LibraryPath,
        TokenLabel = token.Label,
        PinProvider = pin ?? HsmPin.FromString(token.Pin),
        CallTimeout = TimeSpan.FromSeconds(3),
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(800),
        PoolSize = 4,
    };

    public static HsmConnectionOptions Remote(P11KitServer server, string name = "remote") => new()
    {
        Name = name,
        LibraryPath = P11KitServer.ClientLibraryPath,
        TokenLabel = server.Token.Label,
        PinProvider = HsmPin.FromString(server.Token.Pin),
        NativeEnvironment = server.EnvironmentVariables,
        CallTimeout = TimeSpan.FromSeconds(2),
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        PoolSize = 4,
    };

    public static byte[] NewId() => RandomNumberGenerator.GetBytes(8);

    public static bool Verify(KeyAlgorithm algorithm, byte[] spki, byte[] message, byte[] signature)
    {
        switch (algorithm)
        {
            case KeyAlgorithm.EcdsaP256:
            case KeyAlgorithm.EcdsaP384:
            {
                using var ec = ECDsa.Create();
                ec.ImportSubjectPublicKeyInfo(spki, out _);
                var hash = algorithm == KeyAlgorithm.EcdsaP256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384;
                return ec.VerifyData(message, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }

            case KeyAlgorithm.Rsa3072:
            {
                using var rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(spki, out _);
                return rsa.KeySize == 3072 && rsa.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }

            case KeyAlgorithm.Ed25519:
            {
                var key = (Ed25519PublicKeyParameters)PublicKeyFactory.CreateKey(spki);
                var verifier = new Ed25519Signer();
                verifier.Init(false, key);
                verifier.BlockUpdate(message, 0, message.Length);
                return verifier.VerifySignature(signature);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm));
        }
    }
}

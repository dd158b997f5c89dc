using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace StellaOps.Ops.Tuf;

/// <summary>A TUF signer holding its private key in memory: for tests, and for repository tooling with software keys.</summary>
public sealed class SoftwareTufSigner : ITufSigner, IDisposable
{
    private readonly Ed25519PrivateKeyParameters? _ed25519;
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;

    private SoftwareTufSigner(TufKey key, Ed25519PrivateKeyParameters? ed25519 = null, ECDsa? ecdsa = null, RSA? rsa = null)
    {
        PublicKey = key;
        KeyId = key.ComputeKeyId();
        _ed25519 = ed25519;
        _ecdsa = ecdsa;
        _rsa = rsa;
    }

    public string KeyId { get; }

    public TufKey PublicKey { get; }

    public static SoftwareTufSigner GenerateEd25519()
    {
        var priv = new Ed25519PrivateKeyParameters(new SecureRandom());
        var pub = Convert.ToHexStringLower(priv.GeneratePublicKey().GetEncoded());
        return new SoftwareTufSigner(new TufKey(TufKey.Ed25519, TufKey.Ed25519, pub), ed25519: priv);
    }

    /// <param name="keyType">"ecdsa" (the spec's name) or the legacy "ecdsa-sha2-nistp256"/"-nistp384".</param>
    public static SoftwareTufSigner GenerateEcdsa(bool p384 = false, string keyType = TufKey.Ecdsa)
    {
        var ecdsa = ECDsa.Create(p384 ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256);
        var scheme = p384 ? TufKey.EcdsaNistP384 : TufKey.EcdsaNistP256;
        return new SoftwareTufSigner(new TufKey(keyType, scheme, ecdsa.ExportSubjectPublicKeyInfoPem() + "\n"), ecdsa: ecdsa);
    }

    /// <summary>A signer for an existing ed25519 private key (the repository tooling's key files).</summary>
    public static SoftwareTufSigner FromEd25519(Ed25519PrivateKeyParameters key) =>
        new(new TufKey(TufKey.Ed25519, TufKey.Ed25519, Convert.ToHexStringLower(key.GeneratePublicKey().GetEncoded())), ed25519: key);

    /// <summary>A signer for an existing ECDSA P-256/P-384 key; it owns <paramref name="ecdsa"/>.</summary>
    public static SoftwareTufSigner FromEcdsa(ECDsa ecdsa, string keyType = TufKey.Ecdsa) =>
        new(new TufKey(keyType, ecdsa.KeySize == 384 ? TufKey.EcdsaNistP384 : TufKey.EcdsaNistP256, ecdsa.ExportSubjectPublicKeyInfoPem() + "\n"), ecdsa: ecdsa);

    public static SoftwareTufSigner GenerateRsa(int bits = 2048)
    {
        var rsa = RSA.Create(bits);
        return new SoftwareTufSigner(new TufKey(TufKey.Rsa, TufKey.RsassaPssSha256, rsa.ExportSubjectPublicKeyInfoPem() + "\n"), rsa: rsa);
    }

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        byte[] sig;
        if (_ed25519 is not null)
        {
            sig = new byte[64];
            _ed25519.Sign(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Algorithm.Ed25519, null, data.ToArray(), 0, data.Length, sig, 0);
        }
        else if (_ecdsa is not null)
        {
            sig = _ecdsa.SignData(data.Span, _ecdsa.KeySize == 384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        else
        {
            sig = _rsa!.SignData(data.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        return Task.FromResult(sig);
    }

    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }
}

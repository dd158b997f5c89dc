using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Signing;

/// <summary>
/// An <see cref="IDsseSigner"/> over an in-memory key: .NET <see cref="ECDsa"/> (P-256/P-384) or <see cref="RSA"/>
/// (3072 bits), or a BouncyCastle Ed25519 private key. The signer owns the .NET key it is given and disposes it.
/// </summary>
public sealed class SoftwareDsseSigner : IDigestSigner, IDisposable
{
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;
    private readonly Ed25519PrivateKeyParameters? _ed25519;

    public SoftwareDsseSigner(ECDsa key, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        Algorithm = KeyAlgorithms.FromEcdsa(key);
        _ecdsa = key;
        SubjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo();
        KeyId = keyId ?? KeyIds.FromSpki(SubjectPublicKeyInfo);
    }

    public SoftwareDsseSigner(RSA key, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize != 3072) throw new ArgumentException($"RSA key of {key.KeySize} bits; only rsa-3072 is supported.", nameof(key));
        Algorithm = KeyAlgorithm.Rsa3072;
        _rsa = key;
        SubjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo();
        KeyId = keyId ?? KeyIds.FromSpki(SubjectPublicKeyInfo);
    }

    public SoftwareDsseSigner(Ed25519PrivateKeyParameters key, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        Algorithm = KeyAlgorithm.Ed25519;
        _ed25519 = key;
        SubjectPublicKeyInfo = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(key.GeneratePublicKey()).GetDerEncoded();
        KeyId = keyId ?? KeyIds.FromSpki(SubjectPublicKeyInfo);
    }

    /// <summary>Loads an unencrypted PKCS#8 private key of any supported algorithm.</summary>
    public static SoftwareDsseSigner FromPkcs8(ReadOnlySpan<byte> pkcs8, string? keyId = null)
    {
        PrivateKeyInfo info;
        try
        {
            info = PrivateKeyInfo.GetInstance(pkcs8.ToArray());
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or InvalidOperationException)
        {
            throw new CryptographicException($"Not a PKCS#8 private key: {e.Message}", e);
        }
        var oid = info.PrivateKeyAlgorithm.Algorithm;
        if (oid.Equals(X9ObjectIdentifiers.IdECPublicKey))
        {
            var ec = ECDsa.Create();
            try { ec.ImportPkcs8PrivateKey(pkcs8, out _); return new SoftwareDsseSigner(ec, keyId); }
            catch { ec.Dispose(); throw; }
        }
        if (oid.Equals(PkcsObjectIdentifiers.RsaEncryption))
        {
            var rsa = RSA.Create();
            try { rsa.ImportPkcs8PrivateKey(pkcs8, out _); return new SoftwareDsseSigner(rsa, keyId); }
            catch { rsa.Dispose(); throw; }
        }
        if (oid.Equals(EdECObjectIdentifiers.id_Ed25519))
        {
            return new SoftwareDsseSigner((Ed25519PrivateKeyParameters)PrivateKeyFactory.CreateKey(info), keyId);
        }
        throw new CryptographicException($"PKCS#8 key algorithm {oid.Id} is not supported (ecdsa-p256, ecdsa-p384, rsa-3072, ed25519).");
    }

    public static SoftwareDsseSigner FromKeyPair(SoftwareKeyPair pair) => FromPkcs8(pair.Pkcs8PrivateKey);

    public string KeyId { get; }

    public KeyAlgorithm Algorithm { get; }

    /// <summary>The public key, SPKI DER.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> pae, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Sign(pae.Span));
    }

    public Task<byte[][]> SignManyAsync(IReadOnlyList<byte[]> paes, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(paes.Select(p => Sign(p)).ToArray());
    }

    public Task<byte[][]> SignDigestsAsync(IReadOnlyList<byte[]> digests, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(digests.Select(d => SignHash(d)).ToArray());
    }

    public byte[] Sign(ReadOnlySpan<byte> pae)
    {
        if (_ecdsa is not null)
        {
            return _ecdsa.SignData(pae, SigningHash.For(Algorithm)!.Value, DSASignatureFormat.Rfc3279DerSequence);
        }
        if (_rsa is not null)
        {
            return _rsa.SignData(pae, SigningHash.For(Algorithm)!.Value, RSASignaturePadding.Pkcs1);
        }
        var signer = new Ed25519Signer();
        signer.Init(true, _ed25519!);
        var data = pae.ToArray();
        signer.BlockUpdate(data, 0, data.Length);
        return signer.GenerateSignature();
    }

    /// <summary>
    /// Signs a digest computed elsewhere with the hash <see cref="SigningHash.For"/> names (ECDSA as DER, RSA PKCS#1
    /// v1.5). Ed25519 has no prehashed form: sign the message with <see cref="Sign"/>.
    /// </summary>
    public byte[] SignHash(ReadOnlySpan<byte> digest)
    {
        var hash = SigningHash.For(Algorithm) ?? throw new NotSupportedException("Ed25519 signs the whole message, not a digest.");
        var expected = SigningHash.LengthOf(hash);
        if (digest.Length != expected) throw new ArgumentException($"A {Algorithm.ToName()} key signs a {expected}-byte digest, not {digest.Length} bytes.", nameof(digest));
        return _ecdsa is not null
            ? _ecdsa.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence)
            : _rsa!.SignHash(digest.ToArray(), hash, RSASignaturePadding.Pkcs1);
    }

    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }

    public override string ToString() => $"{Algorithm.ToName()} software signer {KeyId}";
}

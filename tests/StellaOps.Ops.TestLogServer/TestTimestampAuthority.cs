using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.Utilities.Collections;
using Org.BouncyCastle.X509;

namespace StellaOps.Ops.TestLogServer;

/// <summary>
/// A local RFC 3161 time-stamping authority with BouncyCastle's TSP classes: an ECDSA P-256 root and a TSA
/// certificate (critical EKU id-kp-timeStamping), SHA-256 imprints, tokens carrying the TSA certificate.
/// </summary>
public sealed class TestTimestampAuthority
{
    private readonly AsymmetricCipherKeyPair _tsaKey;
    private readonly X509Certificate _tsaCert;
    private readonly X509Certificate _rootCert;
    private long _serial;

    public TestTimestampAuthority()
    {
        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, random));
        var rootKey = generator.GenerateKeyPair();
        _tsaKey = generator.GenerateKeyPair();
        var now = DateTime.UtcNow;
        var root = new X509V3CertificateGenerator();
        root.SetSerialNumber(BigInteger.One);
        root.SetIssuerDN(new X509Name("CN=StellaOps Test TSA Root,O=test"));
        root.SetSubjectDN(new X509Name("CN=StellaOps Test TSA Root,O=test"));
        root.SetNotBefore(now.AddDays(-2));
        root.SetNotAfter(now.AddYears(5));
        root.SetPublicKey(rootKey.Public);
        root.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(true));
        root.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        _rootCert = root.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", rootKey.Private));
        var tsa = new X509V3CertificateGenerator();
        tsa.SetSerialNumber(BigInteger.Two);
        tsa.SetIssuerDN(_rootCert.SubjectDN);
        tsa.SetSubjectDN(new X509Name("CN=StellaOps Test TSA,O=test"));
        tsa.SetNotBefore(now.AddDays(-1));
        tsa.SetNotAfter(now.AddYears(4));
        tsa.SetPublicKey(_tsaKey.Public);
        tsa.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        tsa.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
        tsa.AddExtension(X509Extensions.ExtendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeID.id_kp_timeStamping));
        _tsaCert = tsa.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", rootKey.Private));
    }

    /// <summary>The TSA certificate, then its root, as DER (what a trusted root's timestampAuthorities lists).</summary>
    public IReadOnlyList<byte[]> Chain => [_tsaCert.GetEncoded(), _rootCert.GetEncoded()];

    /// <summary>Answers a DER TimeStampReq with a DER TimeStampResp (granted, or rejected with the reason).</summary>
    public byte[] Respond(byte[] request)
    {
        var req = new TimeStampRequest(request);
        var tokens = new TimeStampTokenGenerator(_tsaKey.Private, _tsaCert, TspAlgorithms.Sha256, "1.3.6.1.4.1.57264.2");
        tokens.SetCertificates(CollectionUtilities.CreateStore(new[] { _tsaCert }));
        var responses = new TimeStampResponseGenerator(tokens, TspAlgorithms.Allowed);
        var response = responses.Generate(req, BigInteger.ValueOf(Interlocked.Increment(ref _serial)), DateTime.UtcNow);
        return response.GetEncoded();
    }
}

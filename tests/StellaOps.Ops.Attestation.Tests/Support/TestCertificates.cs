using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StellaOps.Ops.Attestation.Tests.Support;

/// <summary>Real X.509 chains made in the test: root CA → intermediate CA → leaf, each with its own software key.</summary>
internal static class TestCertificates
{
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static X509Certificate2 Root(string name, ECDsa key, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore ?? Now.AddYears(-2), notAfter ?? Now.AddYears(10));
    }

    public static X509Certificate2 Intermediate(string name, ECDsa key, X509Certificate2 issuer, ECDsa issuerKey, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return Sign(request, issuer, issuerKey, notBefore ?? Now.AddYears(-1), notAfter ?? Now.AddYears(5));
    }

    /// <param name="eku">Extended key usage OIDs; code signing by default.</param>
    public static X509Certificate2 Leaf(string name, AsymmetricAlgorithm key, X509Certificate2 issuer, ECDsa issuerKey, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        X509KeyUsageFlags usage = X509KeyUsageFlags.DigitalSignature, string eku = "1.3.6.1.5.5.7.3.3")
    {
        var request = key switch
        {
            ECDsa ec => new CertificateRequest($"CN={name}", ec, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("ECDSA or RSA", nameof(key)),
        };
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return Sign(request, issuer, issuerKey, notBefore ?? Now.AddDays(-30), notAfter ?? Now.AddDays(335));
    }

    private static X509Certificate2 Sign(CertificateRequest request, X509Certificate2 issuer, ECDsa issuerKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        var generator = X509SignatureGenerator.CreateForECDsa(issuerKey);
        return request.Create(issuer.SubjectName, generator, notBefore, notAfter, serial);
    }

    public static string WritePem(string path, X509Certificate2 certificate)
    {
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    public static string WriteKeyPem(string path, ECDsa key)
    {
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        return path;
    }
}

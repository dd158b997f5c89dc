using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StellaOps.Ops.IntegrationTests.Trust;

/// <summary>
/// Real X.509 certificates made in the test with .NET's CertificateRequest: CA roots and intermediates with their
/// private keys, and leaves issued from a key's PKCS#10 request (whose self-signature is checked on load).
/// </summary>
internal static class TestCa
{
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static X509Certificate2 Root(string cn, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool ca = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={cn}, O=StellaOps Test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(ca ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore ?? Now.AddDays(-30), notAfter ?? Now.AddYears(5));
    }

    public static X509Certificate2 Intermediate(X509Certificate2 issuer, string cn, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={cn}, O=StellaOps Test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var cert = request.Create(issuer, notBefore ?? Now.AddDays(-20), notAfter ?? Now.AddYears(3), Serial());
        return cert.CopyWithPrivateKey(key);
    }

    /// <summary>A leaf for the key that signed <paramref name="csrPem"/>; the request's signature is verified on load.</summary>
    public static X509Certificate2 LeafFromCsr(X509Certificate2 issuer, string csrPem, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        X509KeyUsageFlags usage = X509KeyUsageFlags.DigitalSignature, string eku = "1.3.6.1.5.5.7.3.3")
    {
        var request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        request.CertificateExtensions.Clear();
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var notAfterOrDefault = notAfter ?? Now.AddYears(1);
        if (notAfterOrDefault > issuer.NotAfter) notAfterOrDefault = issuer.NotAfter.ToUniversalTime();
        return request.Create(issuer, notBefore ?? Now.AddDays(-1), notAfterOrDefault, Serial());
    }

    public static string Pem(params X509Certificate2[] certs) => string.Concat(certs.Select(c => c.ExportCertificatePem() + "\n"));

    public static string Write(string dir, string name, string text)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("644", 8));
        return path;
    }

    private static byte[] Serial() => RandomNumberGenerator.GetBytes(12);
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StellaOps.Ops.Attestation.Certificates;

/// <summary>PEM certificates (<c>-----BEGIN CERTIFICATE-----</c>) read in file order, and written back.</summary>
public static class CertificatePem
{
    public const string Label = "CERTIFICATE";

    /// <summary>Every CERTIFICATE block of <paramref name="pem"/>, in order. Throws <see cref="FormatException"/> naming the block that does not parse.</summary>
    public static IReadOnlyList<X509Certificate2> ReadAll(string? pem)
    {
        var list = new List<X509Certificate2>();
        if (string.IsNullOrEmpty(pem)) return list;
        var span = pem.AsSpan();
        while (PemEncoding.TryFind(span, out var fields))
        {
            if (span[fields.Label].SequenceEqual(Label))
            {
                var der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(span[fields.Base64Data], der, out var written))
                    throw new FormatException($"Certificate {list.Count + 1} is not valid base64.");
                try
                {
                    list.Add(X509CertificateLoader.LoadCertificate(der.AsSpan(0, written)));
                }
                catch (CryptographicException)
                {
                    throw new FormatException($"Certificate {list.Count + 1} is not a valid X.509 certificate.");
                }
            }
            span = span[fields.Location.End..];
        }
        return list;
    }

    public static string Write(IEnumerable<X509Certificate2> certificates)
        => string.Concat(certificates.Select(c => new string(PemEncoding.Write(Label, c.RawData)) + "\n"));

    /// <summary>Lower-case hex SHA-256 of the DER: the id a trust anchor and a chain link show.</summary>
    public static string Fingerprint(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
}

using System.Security.Cryptography.X509Certificates;

namespace StellaOps.Ops.Attestation.Certificates;

/// <summary>What a certificate's extensions say it may do, read one way everywhere.</summary>
public static class CertificateFacts
{
    public const string CodeSigningOid = "1.3.6.1.5.5.7.3.3";
    public const string AnyExtendedKeyUsageOid = "2.5.29.37.0";

    /// <summary>Basic constraints say CA.</summary>
    public static bool IsCa(X509Certificate2 certificate)
        => certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true };

    /// <summary>No key usage extension (anything goes), or one that allows <paramref name="usage"/>.</summary>
    public static bool AllowsKeyUsage(X509Certificate2 certificate, X509KeyUsageFlags usage)
        => certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is not { } ku || (ku.KeyUsages & usage) == usage;

    /// <summary>No extended key usage (anything goes), or one that lists code signing or any usage.</summary>
    public static bool AllowsCodeSigning(X509Certificate2 certificate)
    {
        var eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is null) return true;
        foreach (var oid in eku.EnhancedKeyUsages)
            if (oid.Value is CodeSigningOid or AnyExtendedKeyUsageOid) return true;
        return false;
    }

    public static bool IsSelfIssued(X509Certificate2 certificate) => certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    /// <summary>Why this certificate cannot be a CA link (not a CA, or may not sign certificates), or null when it can.</summary>
    public static string? WhyNotCa(X509Certificate2 certificate)
    {
        if (!IsCa(certificate)) return "its basic constraints do not say it is a CA";
        if (!AllowsKeyUsage(certificate, X509KeyUsageFlags.KeyCertSign)) return "its key usage does not allow signing certificates (keyCertSign)";
        return null;
    }

    public static DateTimeOffset NotBefore(X509Certificate2 certificate) => new(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);

    public static DateTimeOffset NotAfter(X509Certificate2 certificate) => new(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
}

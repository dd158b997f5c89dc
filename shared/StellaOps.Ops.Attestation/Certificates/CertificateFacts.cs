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

    public const string TimeStampingOid = "1.3.6.1.5.5.7.3.8";

    /// <summary>The purpose an extended key usage OID names, in words.</summary>
    public static string PurposeOf(string usageOid)
        => usageOid switch { CodeSigningOid => "code signing", TimeStampingOid => "time stamping", _ => usageOid };

    /// <summary>
    /// Why this certificate cannot be a signer's for <paramref name="usageOid"/> (code signing, time stamping), or null
    /// when it can. The one rule for a leaf, used by the trust cmdlets and the verifier alike: a key usage, if present,
    /// allows digitalSignature; an extended key usage is present and lists the purpose (or anyExtendedKeyUsage), as
    /// Sigstore requires of a signing certificate; and it is no CA.
    /// </summary>
    public static string? WhyNotSigner(X509Certificate2 certificate, string usageOid = CodeSigningOid)
    {
        var ku = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (ku is not null && (ku.KeyUsages & X509KeyUsageFlags.DigitalSignature) == 0)
            return $"wrong key usage: its key usage is {ku.KeyUsages}, without digitalSignature";
        var eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is null)
            return $"wrong key usage: it has no extended key usage, so it is not issued for {PurposeOf(usageOid)}";
        var listed = eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToList();
        if (!listed.Any(o => o == usageOid || o == AnyExtendedKeyUsageOid))
            return $"wrong key usage: its extended key usage ({string.Join(", ", listed)}) does not include {PurposeOf(usageOid)}";
        if (IsCa(certificate))
            return "wrong key usage: it is a CA certificate, not a signer's";
        return null;
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

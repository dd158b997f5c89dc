using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Attestation.Certificates;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// Trust handed over as PEM text (Test-StellaAttestation -TrustedKey / -TrustAnchor): a public key, trusted with no
/// window, or CA certificates, self-signed ones as roots and the others as intermediates. One reading for the module
/// (verifying in process) and the daemon (the caller's files added to its own trust for one request).
/// </summary>
public static class PemTrust
{
    /// <summary>The most characters one PEM text may have (64 KiB: a bundle of CA certificates, not a file of anything).</summary>
    public const int MaxPemChars = 64 * 1024;

    /// <exception cref="FormatException">Not a PEM public key of a supported algorithm.</exception>
    public static TrustedKey Key(string pem, string source)
    {
        Limit(pem);
        try
        {
            return TrustedKey.FromPem(pem, source: source);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new FormatException(e.Message, e);
        }
    }

    /// <exception cref="FormatException">No PEM certificate in the text, or one that is not X.509.</exception>
    public static IReadOnlyList<TrustedCertificate> Certificates(string pem, string source)
    {
        Limit(pem);
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new FormatException(e.Message, e);
        }
        if (collection.Count == 0) throw new FormatException("no certificate in the file");
        return [.. collection.Select(c => new TrustedCertificate(c, CertificateFacts.IsSelfIssued(c) ? TrustedCertificateRole.Root : TrustedCertificateRole.Intermediate, source))];
    }

    private static void Limit(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (pem.Length > MaxPemChars) throw new FormatException($"it is {pem.Length} characters; trust given as PEM takes at most {MaxPemChars}");
    }
}

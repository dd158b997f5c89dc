using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Verification;

/// <summary>
/// Trust given on the command line for offline verification: -TrustedKey PEM public keys (no window) and -TrustAnchor
/// PEM CA certificates (self-signed ones are roots, others intermediates; a file may hold several).
/// </summary>
internal static class LocalTrust
{
    public static ITrustMaterial Load(IEnumerable<string> keyFiles, IEnumerable<string> anchorFiles, Func<string, string?> resolve, out List<OpsException> problems)
    {
        problems = [];
        var keys = new List<TrustedKey>();
        var certificates = new List<TrustedCertificate>();
        foreach (var text in keyFiles)
        {
            var path = resolve(text);
            try
            {
                if (path is null || !File.Exists(path)) throw new FileNotFoundException();
                keys.Add(TrustedKey.FromPem(File.ReadAllText(path), source: $"-TrustedKey {path}"));
            }
            catch (Exception e) when (e is IOException or FormatException or ArgumentException or UnauthorizedAccessException)
            {
                problems.Add(new OpsException(OpsErrorCode.InvalidArgument, $"-TrustedKey '{text}' is not a readable PEM public key of a supported algorithm: {e.Message}", text,
                    "Give a '-----BEGIN PUBLIC KEY-----' file (stella keys show <key-id> --public > key.pem)."));
            }
        }
        foreach (var text in anchorFiles)
        {
            var path = resolve(text);
            try
            {
                if (path is null || !File.Exists(path)) throw new FileNotFoundException();
                var collection = new X509Certificate2Collection();
                collection.ImportFromPemFile(path);
                if (collection.Count == 0) throw new FormatException("no certificate in the file");
                foreach (var c in collection)
                {
                    var role = StellaOps.Ops.Attestation.Certificates.CertificateFacts.IsSelfIssued(c) ? TrustedCertificateRole.Root : TrustedCertificateRole.Intermediate;
                    certificates.Add(new TrustedCertificate(c, role, $"-TrustAnchor {path}"));
                }
            }
            catch (Exception e) when (e is IOException or FormatException or ArgumentException or CryptographicException or UnauthorizedAccessException)
            {
                problems.Add(new OpsException(OpsErrorCode.InvalidArgument, $"-TrustAnchor '{text}' is not a readable PEM certificate file: {e.Message}", text,
                    "Give the CA certificate as '-----BEGIN CERTIFICATE-----' PEM."));
            }
        }
        return new StaticTrustMaterial(keys, certificates);
    }
}

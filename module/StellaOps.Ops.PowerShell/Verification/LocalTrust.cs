using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Verification;

/// <summary>
/// Trust given on the command line: -TrustedKey PEM public keys (no window) and -TrustAnchor PEM CA certificates
/// (self-signed ones are roots, others intermediates; a file may hold several), read as <see cref="PemTrust"/> reads
/// them. The same files verify in this process (<see cref="Material"/>) or go to the daemon with the request
/// (<see cref="Keys"/>, <see cref="Anchors"/>), where they are added to the daemon's own trust.
/// </summary>
internal sealed record LocalTrust(ITrustMaterial Material, IReadOnlyList<VerificationDocument> Keys, IReadOnlyList<VerificationDocument> Anchors)
{
    /// <summary>The files, as the results' TrustSources name them ("-TrustedKey /path/key.pem").</summary>
    public IReadOnlyList<string> Sources => [.. Keys.Concat(Anchors).Select(d => d.Name)];

    public static LocalTrust Load(IEnumerable<string> keyFiles, IEnumerable<string> anchorFiles, Func<string, string?> resolve, out List<OpsException> problems)
    {
        problems = [];
        var keys = new List<TrustedKey>();
        var certificates = new List<TrustedCertificate>();
        var keyDocuments = new List<VerificationDocument>();
        var anchorDocuments = new List<VerificationDocument>();
        foreach (var text in keyFiles)
        {
            var path = resolve(text);
            try
            {
                var pem = Read(path);
                var name = $"-TrustedKey {path}";
                keys.Add(PemTrust.Key(pem, name));
                keyDocuments.Add(new VerificationDocument { Name = name, Content = pem });
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
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
                var pem = Read(path);
                var name = $"-TrustAnchor {path}";
                certificates.AddRange(PemTrust.Certificates(pem, name));
                anchorDocuments.Add(new VerificationDocument { Name = name, Content = pem });
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                problems.Add(new OpsException(OpsErrorCode.InvalidArgument, $"-TrustAnchor '{text}' is not a readable PEM certificate file: {e.Message}", text,
                    "Give the CA certificate as '-----BEGIN CERTIFICATE-----' PEM."));
            }
        }
        return new LocalTrust(new StaticTrustMaterial(keys, certificates), keyDocuments, anchorDocuments);
    }

    private static string Read(string? path)
    {
        if (path is null || !File.Exists(path)) throw new FileNotFoundException("there is no such file");
        if (new FileInfo(path).Length > PemTrust.MaxPemChars * 4L) throw new FormatException($"the file is over {PemTrust.MaxPemChars} characters");
        return File.ReadAllText(path);
    }
}

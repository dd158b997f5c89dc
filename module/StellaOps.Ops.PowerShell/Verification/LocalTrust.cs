using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Verification;

/// <summary>
/// Trust given on the command line: -TrustedKey PEM public keys (no window) and -TrustAnchor PEM CA certificates
/// (self-signed ones are roots, others intermediates; a file may hold several), read as <see cref="PemTrust"/> reads
/// them. The same files verify in this process (<see cref="Material"/>) or go to the daemon with the request
/// (<see cref="Keys"/>, <see cref="Anchors"/>), where they are added to the daemon's own trust. A Sigstore trusted
/// root (-TrustedRoot, or the TUF client's cached one) gives the transparency logs whose entries verify offline.
/// </summary>
internal sealed record LocalTrust(ITrustMaterial Material, IReadOnlyList<VerificationDocument> Keys, IReadOnlyList<VerificationDocument> Anchors, string? TrustedRootSource)
{
    /// <summary>The files, as the results' TrustSources name them ("-TrustedKey /path/key.pem").</summary>
    public IReadOnlyList<string> Sources => [.. Keys.Concat(Anchors).Select(d => d.Name), .. TrustedRootSource is null ? [] : new[] { TrustedRootSource }];

    /// <summary>Where the TUF client keeps the trusted root it verified: the per-user daemon's state, then the system daemon's.</summary>
    public static IEnumerable<string> CachedTrustedRoots() =>
        [.. new[] { false, true }.Select(system => Path.Combine(Protocol.DefaultStateDirectory(system), "tuf", "targets", "trusted_root.json"))];

    public static LocalTrust Load(IEnumerable<string> keyFiles, IEnumerable<string> anchorFiles, Func<string, string?> resolve, out List<OpsException> problems)
        => Load(keyFiles, anchorFiles, null, resolve, out problems);

    /// <summary>
    /// As above, plus the trusted root's logs: <paramref name="trustedRootFile"/> when given (a problem when unreadable),
    /// else the first cached TUF trusted root that exists (none: no logs, said by the transparency-log check).
    /// </summary>
    public static LocalTrust Load(IEnumerable<string> keyFiles, IEnumerable<string> anchorFiles, string? trustedRootFile, Func<string, string?> resolve, out List<OpsException> problems)
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
        var (logs, rootSource) = TrustedRoot(trustedRootFile, resolve, problems);
        return new LocalTrust(new StaticTrustMaterial(keys, certificates, transparencyLogs: logs), keyDocuments, anchorDocuments, rootSource);
    }

    private static (IReadOnlyList<TransparencyLogInstance> Logs, string? Source) TrustedRoot(string? file, Func<string, string?> resolve, List<OpsException> problems)
    {
        var given = file is not null;
        var path = given ? resolve(file!) : CachedTrustedRoots().FirstOrDefault(File.Exists);
        if (path is null && !given) return ([], null);
        try
        {
            if (path is null || !File.Exists(path)) throw new FileNotFoundException("there is no such file");
            if (new FileInfo(path).Length > MaxTrustedRootBytes) throw new FormatException($"the file is over {MaxTrustedRootBytes} bytes");
            if (!SigstoreTrustedRootParser.TryParse(File.ReadAllBytes(path), out var root, out var error)) throw new FormatException(error);
            return (root.TransparencyLogs, given ? $"-TrustedRoot {path}" : $"the TUF cache's trusted root {path}");
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            // A cached root that cannot be read is no trust, not an error of this command: log entries then fail
            // their check with "no transparency log is trusted".
            if (given)
                problems.Add(new OpsException(OpsErrorCode.InvalidArgument, $"-TrustedRoot '{file}' is not a readable Sigstore trusted_root.json: {e.Message}", file,
                    "Give a Sigstore trusted_root.json (the TUF repository's target trusted_root.json)."));
            return ([], null);
        }
    }

    /// <summary>A trusted root is a few kilobytes; Sigstore's public one is under 20 KiB.</summary>
    private const int MaxTrustedRootBytes = 1 << 20;

    private static string Read(string? path)
    {
        if (path is null || !File.Exists(path)) throw new FileNotFoundException("there is no such file");
        if (new FileInfo(path).Length > PemTrust.MaxPemChars * 4L) throw new FormatException($"the file is over {PemTrust.MaxPemChars} characters");
        return File.ReadAllText(path);
    }
}

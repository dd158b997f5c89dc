using System.Security.Cryptography;

namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// What changed between two Sigstore trust materials, in words an operator reads after a sync or a snapshot import
/// (the daemon's, and the module's with no daemon).
/// </summary>
public static class TrustMaterialChanges
{
    public static string[] Between(SigstoreTrust before, SigstoreTrust after)
    {
        var changes = new List<string>();
        Compare(changes, "transparency log", Logs(before.TrustedRoot?.TransparencyLogs), Logs(after.TrustedRoot?.TransparencyLogs));
        Compare(changes, "CT log", Logs(before.TrustedRoot?.CertificateTransparencyLogs), Logs(after.TrustedRoot?.CertificateTransparencyLogs));
        Compare(changes, "certificate authority", Authorities(before.TrustedRoot?.CertificateAuthorities), Authorities(after.TrustedRoot?.CertificateAuthorities));
        Compare(changes, "timestamp authority", Authorities(before.TrustedRoot?.TimestampAuthorities), Authorities(after.TrustedRoot?.TimestampAuthorities));
        Compare(changes, "endpoint", Endpoints(before.SigningConfig), Endpoints(after.SigningConfig));
        CompareWindows(changes, Windows(before.SigningConfig), Windows(after.SigningConfig));
        return [.. changes];
    }

    // An endpoint swap (runbook 004 scenario 1) ends the old URL's window and opens the new one's: URLs that stay
    // listed with other windows are a change the operator must see after the sync, not "nothing changed".
    private static void CompareWindows(List<string> changes, Dictionary<string, string> before, Dictionary<string, string> after)
    {
        foreach (var (service, windows) in after.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (before.TryGetValue(service, out var was) && was != windows) changes.Add($"endpoint window changed: {service} {was} -> {windows}");
        }
    }

    private static Dictionary<string, string> Windows(SigstoreSigningConfig? config)
    {
        if (config is null) return [];
        return config.RekorTlogUrls.Select(s => ($"tlog {s.Url} v{s.MajorApiVersion}", s.ValidFor))
            .Concat(config.TsaUrls.Select(s => ($"tsa {s.Url} v{s.MajorApiVersion}", s.ValidFor)))
            .Concat(config.CaUrls.Select(s => ($"ca {s.Url} v{s.MajorApiVersion}", s.ValidFor)))
            .Concat(config.OidcUrls.Select(s => ($"oidc {s.Url} v{s.MajorApiVersion}", s.ValidFor)))
            .GroupBy(x => x.Item1, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(x => x.ValidFor).OrderBy(w => w.Start).Select(w => w.ToString())), StringComparer.Ordinal);
    }

    /// <summary>A log key's fingerprint: lower-case hex SHA-256 of its SubjectPublicKeyInfo.</summary>
    public static string Fingerprint(TransparencyLogInstance log) => Convert.ToHexStringLower(SHA256.HashData(log.PublicKeySpki));

    private static void Compare(List<string> changes, string what, HashSet<string> before, HashSet<string> after)
    {
        changes.AddRange(after.Except(before).Order(StringComparer.Ordinal).Select(a => $"{what} added: {a}"));
        changes.AddRange(before.Except(after).Order(StringComparer.Ordinal).Select(r => $"{what} removed: {r}"));
    }

    private static HashSet<string> Logs(IReadOnlyList<TransparencyLogInstance>? logs)
        => [.. (logs ?? []).Select(l => $"{l.BaseUrl} key {Fingerprint(l)[..16]} {l.ValidFor}")];

    private static HashSet<string> Authorities(IReadOnlyList<CertificateAuthorityInstance>? authorities)
        => [.. (authorities ?? []).Select(a => $"{a.Uri?.ToString() ?? a.SubjectCommonName} root {Convert.ToHexStringLower(SHA256.HashData(a.CertificateChain[^1]))[..16]} {a.ValidFor}")];

    private static HashSet<string> Endpoints(SigstoreSigningConfig? config)
    {
        if (config is null) return [];
        return [.. config.RekorTlogUrls.Select(s => $"tlog {s.Url} v{s.MajorApiVersion}")
            .Concat(config.TsaUrls.Select(s => $"tsa {s.Url} v{s.MajorApiVersion}"))
            .Concat(config.CaUrls.Select(s => $"ca {s.Url} v{s.MajorApiVersion}"))
            .Concat(config.OidcUrls.Select(s => $"oidc {s.Url} v{s.MajorApiVersion}"))];
    }
}

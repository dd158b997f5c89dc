using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Attestation.InToto;

/// <summary>
/// The short attestation types an operator types (<c>stella attest create --type test</c>) and the in-toto predicate
/// type each stands for. A predicate type URI passes through unchanged. Shared so the daemon resolves and the module
/// completes from one list.
/// </summary>
public static class PredicateTypes
{
    public const string Test = "https://stella-ops.org/attestation/test/v1";
    public const string SlsaProvenance = "https://slsa.dev/provenance/v1";
    public const string Spdx = "https://spdx.dev/Document";
    public const string CycloneDx = "https://cyclonedx.org/bom";
    public const string Vulnerabilities = "https://in-toto.io/attestation/vulns/v0.1";
    public const string SlsaVerificationSummary = "https://slsa.dev/verification_summary/v1";
    public const string Link = "https://in-toto.io/attestation/link/v0.3";
    public const string TestResult = "https://in-toto.io/attestation/test-result/v0.1";

    /// <summary>Short name → predicate type, in the order help and completion show them.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Known { get; } =
    [
        new("test", Test),
        new("provenance", SlsaProvenance),
        new("sbom", Spdx),
        new("spdx", Spdx),
        new("cyclonedx", CycloneDx),
        new("vuln", Vulnerabilities),
        new("vsa", SlsaVerificationSummary),
        new("link", Link),
        new("test-result", TestResult),
    ];

    /// <summary>
    /// The predicate type for a short name (case-insensitive) or a URI (anything with "://", kept as given).
    /// An unknown short name is <see cref="OpsErrorCode.InvalidArgument"/> listing the known ones, with a "did you mean".
    /// </summary>
    public static string Resolve(string type)
    {
        var t = type?.Trim() ?? "";
        if (t.Length == 0)
            throw OpsException.InvalidArgument("An attestation type is required.", "type", $"Use one of: {KnownNames}, or a predicate type URI.");
        if (t.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(t, UriKind.Absolute, out _))
                throw OpsException.InvalidArgument($"The predicate type '{t}' is not a valid absolute URI.", "type", "Give a URI like https://slsa.dev/provenance/v1, or a short type.");
            return t;
        }
        foreach (var (name, uri) in Known)
            if (string.Equals(name, t, StringComparison.OrdinalIgnoreCase)) return uri;
        var closest = Fuzzy.Closest(t, Known.Select(k => k.Key));
        throw OpsException.InvalidArgument(
            $"Unknown attestation type '{t}'." + (closest is null ? "" : $" Did you mean '{closest}'?"),
            "type", $"Use one of: {KnownNames}, or a predicate type URI (https://…).");
    }

    /// <summary>The name to record for a type: the lowercase short name, or the URI as given.</summary>
    public static string Normalize(string type)
    {
        var t = type.Trim();
        return t.Contains("://", StringComparison.Ordinal) ? t : t.ToLowerInvariant();
    }

    public static string KnownNames => string.Join(", ", Known.Select(k => k.Key));
}

using System.Text.Json;
using static StellaOps.Ops.Attestation.Sigstore.SigstoreJsonReader;

namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// Reads and validates a Sigstore <c>signing_config.v0.2.json</c> into a <see cref="SigstoreSigningConfig"/>: every
/// service has an http(s) URL, an API version, a window and an operator; <c>rekorTlogConfig</c> and <c>tsaConfig</c>
/// name a selector (<c>ALL</c>, <c>ANY</c>, <c>EXACT</c> with a count of at least 1 and at most the services listed).
/// Which services to use now is <see cref="SigstoreServiceSelection"/>'s answer.
/// </summary>
public static class SigstoreSigningConfigParser
{
    public const string MediaTypeV02 = "application/vnd.dev.sigstore.signingconfig.v0.2+json";

    public static SigstoreSigningConfig Parse(ReadOnlySpan<byte> utf8Json)
    {
        using var doc = Open(utf8Json, "signing config");
        var root = doc.RootElement;
        var mediaType = RequiredString(root, "mediaType", "");
        if (mediaType != MediaTypeV02)
            throw new FormatException($"Unsupported signing config mediaType '{mediaType}'; expected '{MediaTypeV02}'.");
        var rekor = Services(root, "rekorTlogUrls");
        var tsa = Services(root, "tsaUrls");
        return new SigstoreSigningConfig(
            mediaType,
            Services(root, "caUrls"),
            Services(root, "oidcUrls"),
            rekor,
            Configuration(root, "rekorTlogConfig", rekor.Count),
            tsa,
            Configuration(root, "tsaConfig", tsa.Count));
    }

    public static SigstoreSigningConfig Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    private static List<SigningService> Services(JsonElement root, string name)
        => [.. Array(root, name, "").Select(e => new SigningService(
            Url(e.Item, "url", e.Where),
            Integer(e.Item, "majorApiVersion", e.Where, missing: 0) is var v and >= 0 ? v : throw new FormatException($"{e.Where}.majorApiVersion is negative."),
            Validity(e.Item, "validFor", e.Where),
            RequiredString(e.Item, "operator", e.Where)))];

    /// <summary>A missing configuration is accepted only when there is nothing to select from.</summary>
    private static ServiceConfiguration Configuration(JsonElement root, string name, int services)
    {
        if (OptionalObject(root, name, "") is not { } config)
        {
            return services == 0 ? new ServiceConfiguration(ServiceSelector.Any)
                : throw new FormatException($"{name} is missing: with {services} service(s) listed the signing config must say how to select them (ALL, ANY or EXACT).");
        }
        var text = RequiredString(config, "selector", name);
        var selector = text switch
        {
            "ALL" => ServiceSelector.All,
            "ANY" => ServiceSelector.Any,
            "EXACT" => ServiceSelector.Exact,
            _ => throw new FormatException($"{name}.selector '{text}' is not ALL, ANY or EXACT."),
        };
        var count = Integer(config, "count", name, missing: 0);
        if (selector == ServiceSelector.Exact && (count < 1 || count > services))
            throw new FormatException($"{name}.count is {count}; EXACT needs a count from 1 to the {services} service(s) listed.");
        return new ServiceConfiguration(selector, selector == ServiceSelector.Exact ? count : 0);
    }
}

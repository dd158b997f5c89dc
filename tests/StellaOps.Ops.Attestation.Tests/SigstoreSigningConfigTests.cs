using System.Text.Json.Nodes;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Tests.Support;

namespace StellaOps.Ops.Attestation.Tests;

/// <summary>signing_config.v0.2.json parsing, and service selection with one crafted case per rule of the spec.</summary>
public sealed class SigstoreSigningConfigTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-06-01T00:00:00Z");
    private static readonly int[] V1 = [1];
    private static readonly int[] V1V2 = [1, 2];

    private static SigningService Service(string url, int version = 1, string start = "2025-01-01T00:00:00Z", string op = "a.dev", string? end = null)
        => new(new Uri(url), version, new ValidityPeriod(DateTimeOffset.Parse(start), end is null ? null : DateTimeOffset.Parse(end)), op);

    [Fact]
    public void ACraftedSigningConfigParses()
    {
        var config = SigstoreSigningConfigParser.Parse(TrustedRootDocuments.SigningConfig().ToJsonString());

        Assert.Equal(SigstoreSigningConfigParser.MediaTypeV02, config.MediaType);
        Assert.Equal(new Uri("https://rekor.example.dev"), Assert.Single(config.RekorTlogUrls).Url);
        Assert.Equal(ServiceSelector.Any, config.RekorTlogConfig.Selector);
        Assert.Equal("example.dev", config.TsaUrls[0].Operator);
        Assert.Equal(1, config.CaUrls[0].MajorApiVersion);
        Assert.Single(config.OidcUrls);
    }

    [Fact]
    public void ExactKeepsItsCount()
    {
        var doc = TrustedRootDocuments.SigningConfig();
        var second = doc["rekorTlogUrls"]![0]!.DeepClone();
        second["url"] = "https://rekor2.example.dev";
        second["operator"] = "other.dev";
        doc["rekorTlogUrls"]!.AsArray().Add(second);
        doc["rekorTlogConfig"] = new JsonObject { ["selector"] = "EXACT", ["count"] = 2 };
        var config = SigstoreSigningConfigParser.Parse(doc.ToJsonString());
        Assert.Equal(new ServiceConfiguration(ServiceSelector.Exact, 2), config.RekorTlogConfig);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "mediaType=application/vnd.dev.sigstore.signingconfig.v0.1+json", "mediaType" },
        { "rekorTlogUrls[0].url=not a url", "rekorTlogUrls[0].url" },
        { "rekorTlogUrls[0].url=file:///etc/passwd", "rekorTlogUrls[0].url" },
        { "rekorTlogUrls[0].operator=", "rekorTlogUrls[0].operator" },
        { "rekorTlogUrls[0].validFor=", "rekorTlogUrls[0].validFor" },
        { "rekorTlogUrls[0].majorApiVersion=one", "rekorTlogUrls[0].majorApiVersion" },
        { "tsaUrls[0].validFor.end=2000-01-01T00:00:00Z", "tsaUrls[0].validFor" },
        { "rekorTlogConfig=", "rekorTlogConfig is missing" },
        { "rekorTlogConfig.selector=SOME", "rekorTlogConfig.selector" },
        { "rekorTlogConfig.selector=EXACT", "rekorTlogConfig.count" },
        { "tsaConfig.selector=SERVICE_SELECTOR_UNDEFINED", "tsaConfig.selector" },
        { "caUrls[0].url=", "caUrls[0].url" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void ABadFieldIsRefusedByName(string change, string named)
    {
        var doc = TrustedRootDocuments.SigningConfig();
        TrustedRootDocuments.Apply(doc, change);
        var error = Assert.Throws<FormatException>(() => SigstoreSigningConfigParser.Parse(doc.ToJsonString()));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExactWithMoreThanListedIsRefused()
    {
        var doc = TrustedRootDocuments.SigningConfig();
        doc["rekorTlogConfig"] = new JsonObject { ["selector"] = "EXACT", ["count"] = 2 };
        Assert.Contains("EXACT needs a count from 1 to the 1", Assert.Throws<FormatException>(() => SigstoreSigningConfigParser.Parse(doc.ToJsonString())).Message);
    }

    [Fact]
    public void TheHighestSupportedApiVersionWins()
    {
        var services = new[] { Service("https://v1.dev", 1), Service("https://v2.dev", 2), Service("https://v3.dev", 3) };
        Assert.Equal("https://v2.dev/", SigstoreServiceSelection.SelectOne(services, V1V2, Now, "CA").Url.ToString());
        var all = SigstoreServiceSelection.Select(services, new ServiceConfiguration(ServiceSelector.All), V1V2, Now, "tlog");
        Assert.Equal(["https://v2.dev/"], all.Select(s => s.Url.ToString()));
    }

    [Fact]
    public void OnlyServicesValidNowAreUsed()
    {
        var services = new[]
        {
            Service("https://future.dev", start: "2027-01-01T00:00:00Z", op: "f.dev"),
            Service("https://ended.dev", start: "2024-01-01T00:00:00Z", end: "2025-12-31T23:59:59Z", op: "e.dev"),
            Service("https://now.dev", start: "2025-01-01T00:00:00Z", op: "n.dev"),
        };
        var chosen = SigstoreServiceSelection.Select(services, new ServiceConfiguration(ServiceSelector.All), V1, Now, "tlog");
        Assert.Equal(["https://now.dev/"], chosen.Select(s => s.Url.ToString()));
        // The end is inclusive: at the exact end the ended service still counts.
        var atEnd = SigstoreServiceSelection.Select(services, new ServiceConfiguration(ServiceSelector.All), V1, DateTimeOffset.Parse("2025-12-31T23:59:59Z"), "tlog");
        Assert.Contains(atEnd, s => s.Url.Host == "ended.dev");
    }

    [Fact]
    public void TheNewestStartComesFirst()
    {
        var services = new[]
        {
            Service("https://old.dev", start: "2023-01-01T00:00:00Z", op: "o.dev"),
            Service("https://new.dev", start: "2026-01-01T00:00:00Z", op: "n.dev"),
            Service("https://mid.dev", start: "2024-01-01T00:00:00Z", op: "m.dev"),
        };
        var all = SigstoreServiceSelection.Select(services, new ServiceConfiguration(ServiceSelector.All), V1, Now, "tlog");
        Assert.Equal(["new.dev", "mid.dev", "old.dev"], all.Select(s => s.Url.Host));
        Assert.Equal("new.dev", Assert.Single(SigstoreServiceSelection.Select(services, new ServiceConfiguration(ServiceSelector.Any), V1, Now, "tlog")).Url.Host);
        Assert.Equal("new.dev", SigstoreServiceSelection.SelectOne(services, V1, Now, "CA").Url.Host);
    }

    [Fact]
    public void AtMostOnePerOperatorTheNewest()
    {
        var services = new[]
        {
            Service("https://a-old.dev", start: "2023-01-01T00:00:00Z", op: "a.dev"),
            Service("https://a-new.dev", start: "2025-06-01T00:00:00Z", op: "a.dev"),
            Service("https://b.dev", start: "2024-01-01T00:00:00Z", op: "b.dev"),
        };
        var all = SigstoreServiceSelection.Select(services, new ServiceConfiguration(ServiceSelector.All), V1, Now, "tlog");
        Assert.Equal(["a-new.dev", "b.dev"], all.Select(s => s.Url.Host));
        var exact = SigstoreServiceSelection.Select(services, new ServiceConfiguration(ServiceSelector.Exact, 2), V1, Now, "tlog");
        Assert.Equal(["a-new.dev", "b.dev"], exact.Select(s => s.Url.Host));
    }

    [Fact]
    public void ExactFailsClearlyWhenTooFewQualify()
    {
        var services = new[]
        {
            Service("https://a1.dev", op: "a.dev"),
            Service("https://a2.dev", op: "a.dev"),
            Service("https://later.dev", start: "2027-01-01T00:00:00Z", op: "c.dev"),
        };
        var error = Assert.Throws<SigstoreServiceSelectionException>(
            () => SigstoreServiceSelection.Select(services, new ServiceConfiguration(ServiceSelector.Exact, 2), V1, Now, "rekorTlogUrls"));
        Assert.Contains("EXACT needs 2 service(s) from distinct operators", error.Message);
        Assert.Contains("1 qualify of 3 listed", error.Message);
        Assert.Contains("https://later.dev/ v1 c.dev: not valid until 2027-01-01", error.Message);
    }

    [Fact]
    public void NothingQualifyingIsAnErrorForEverySelector()
    {
        var services = new[] { Service("https://v9.dev", 9) };
        foreach (var selector in new[] { ServiceSelector.All, ServiceSelector.Any })
        {
            var error = Assert.Throws<SigstoreServiceSelectionException>(() => SigstoreServiceSelection.Select(services, new ServiceConfiguration(selector), V1, Now, "tsaUrls"));
            Assert.Contains("API version not supported", error.Message);
        }
        Assert.Throws<SigstoreServiceSelectionException>(() => SigstoreServiceSelection.SelectOne([], V1, Now, "CA"));
    }

    [Fact]
    public void ExactTakesTheNewestCount()
    {
        var services = new[]
        {
            Service("https://a.dev", start: "2023-01-01T00:00:00Z", op: "a.dev"),
            Service("https://b.dev", start: "2025-01-01T00:00:00Z", op: "b.dev"),
            Service("https://c.dev", start: "2024-01-01T00:00:00Z", op: "c.dev"),
        };
        var exact = SigstoreServiceSelection.Select(services, new ServiceConfiguration(ServiceSelector.Exact, 2), V1, Now, "tlog");
        Assert.Equal(["b.dev", "c.dev"], exact.Select(s => s.Url.Host));
    }
}

using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Tests;

public class PredicateTypesTests
{
    [Theory]
    [InlineData("test", PredicateTypes.Test)]
    [InlineData("Provenance", PredicateTypes.SlsaProvenance)]
    [InlineData("sbom", "https://spdx.dev/Document")]
    [InlineData("spdx", "https://spdx.dev/Document")]
    [InlineData("cyclonedx", "https://cyclonedx.org/bom")]
    [InlineData("vuln", "https://in-toto.io/attestation/vulns/v0.1")]
    [InlineData("https://example.com/custom/v2", "https://example.com/custom/v2")]
    public void Short_names_map_to_predicate_types_and_uris_pass_through(string type, string expected)
        => Assert.Equal(expected, PredicateTypes.Resolve(type));

    [Fact]
    public void An_unknown_short_name_lists_the_known_ones_and_suggests_the_closest()
    {
        var e = Assert.Throws<OpsException>(() => PredicateTypes.Resolve("provenace"));
        Assert.Equal(OpsErrorCode.InvalidArgument, e.Code);
        Assert.Contains("Did you mean 'provenance'?", e.Message);
        Assert.Contains("test, provenance, sbom, spdx, cyclonedx, vuln", e.RecommendedAction);
        Assert.DoesNotContain("Did you mean", Assert.Throws<OpsException>(() => PredicateTypes.Resolve("zzzzzzzzzz")).Message);
        Assert.Equal(OpsErrorCode.InvalidArgument, Assert.Throws<OpsException>(() => PredicateTypes.Resolve(" ")).Code);
    }

    [Fact]
    public void The_recorded_type_is_the_lowercase_short_name_or_the_uri_as_given()
    {
        Assert.Equal("provenance", PredicateTypes.Normalize(" Provenance "));
        Assert.Equal("https://Example.com/X", PredicateTypes.Normalize("https://Example.com/X"));
    }
}

using StellaOps.Ops.Attestation.Sigstore;

namespace StellaOps.Ops.Attestation.Tests;

/// <summary>
/// What a sync reports as changed: an endpoint swap (runbook 004 scenario 1) keeps both URLs listed and changes only
/// their validity windows, and must still be reported, URL by URL.
/// </summary>
public sealed class TrustMaterialChangesTests
{
    private static SigstoreTrust Config(string rekorTlogUrls) => new(null, SigstoreSigningConfigParser.Parse(
        """{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json","rekorTlogUrls":[""" + rekorTlogUrls + """],"rekorTlogConfig":{"selector":"ANY"}}"""), "test", null);

    private const string Primary = """{"url":"https://rekor.example","majorApiVersion":1,"validFor":{"start":"2026-01-01T00:00:00Z"},"operator":"a"}""";
    private const string Mirror = """{"url":"https://mirror.example","majorApiVersion":1,"validFor":{"start":"2025-12-31T00:00:00Z"},"operator":"b"}""";

    [Fact]
    public void An_endpoint_swap_reports_the_windows_that_changed()
    {
        var before = Config($"{Primary},{Mirror}");
        var after = Config("""
            {"url":"https://rekor.example","majorApiVersion":1,"validFor":{"start":"2026-01-01T00:00:00Z","end":"2026-02-01T00:00:00Z"},"operator":"a"},
            {"url":"https://mirror.example","majorApiVersion":1,"validFor":{"start":"2025-12-31T00:00:00Z","end":"2026-02-01T00:00:00Z"},"operator":"b"},
            {"url":"https://mirror.example","majorApiVersion":1,"validFor":{"start":"2026-02-01T00:00:00Z"},"operator":"b"}
            """);

        var changes = TrustMaterialChanges.Between(before, after);

        Assert.Equal(2, changes.Length);
        Assert.StartsWith("endpoint window changed: tlog https://mirror.example/ v1 [2025-12-31T00:00:00.0000000+00:00, open] -> [2025-12-31", changes[0]);
        Assert.EndsWith("[2026-02-01T00:00:00.0000000+00:00, open]", changes[0]);
        Assert.Equal("endpoint window changed: tlog https://rekor.example/ v1 [2026-01-01T00:00:00.0000000+00:00, open] -> [2026-01-01T00:00:00.0000000+00:00, 2026-02-01T00:00:00.0000000+00:00]", changes[1]);
    }

    [Fact]
    public void The_same_config_changes_nothing_and_a_new_url_is_an_endpoint_added()
    {
        Assert.Empty(TrustMaterialChanges.Between(Config(Primary), Config(Primary)));
        Assert.Equal(["endpoint added: tlog https://mirror.example/ v1"], TrustMaterialChanges.Between(Config(Primary), Config($"{Primary},{Mirror}")));
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Tests.Support;
using StellaOps.Ops.Attestation.Verification;

namespace StellaOps.Ops.Attestation.Tests;

/// <summary>
/// trusted_root.json: the public-good root @sigstore/tuf ships (real data, v0.1 legacy media type), a crafted v0.2
/// root, and one crafted document per rule the parser enforces.
/// </summary>
public sealed class SigstoreTrustedRootParserTests
{
    /// <summary>The trusted_root.json target of @sigstore/tuf's seeds.json (the public-good instance), as served.</summary>
    internal static async Task<byte[]> PublicGoodTrustedRootAsync()
    {
        await NodeInterop.EnsureInstalledAsync();
        var seeds = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(NodeInterop.InteropDir, "node_modules", "@sigstore", "tuf", "seeds.json")))!;
        return Convert.FromBase64String(seeds["https://tuf-repo-cdn.sigstore.dev"]!["targets"]!["trusted_root.json"]!.GetValue<string>());
    }

    [Fact]
    public async Task ThePublicGoodTrustedRootParses()
    {
        var root = SigstoreTrustedRootParser.Parse(await PublicGoodTrustedRootAsync());

        Assert.Equal(SigstoreTrustedRootParser.MediaTypeLegacy, root.MediaType);
        var rekor = Assert.Single(root.TransparencyLogs, l => l.BaseUrl == new Uri("https://rekor.sigstore.dev"));
        Assert.Equal("PKIX_ECDSA_P256_SHA_256", rekor.KeyDetails);
        Assert.Equal("SHA2_256", rekor.HashAlgorithm);
        // For a v1 log the log id is the SHA-256 of the key's SubjectPublicKeyInfo.
        Assert.Equal(SHA256.HashData(rekor.PublicKeySpki), rekor.LogId);
        Assert.Equal(DateTimeOffset.Parse("2021-01-12T11:53:27Z"), rekor.ValidFor.Start);
        Assert.Null(rekor.ValidFor.End);
        Assert.Contains(root.TransparencyLogs, l => l.KeyDetails == "PKIX_ED25519");
        Assert.True(root.CertificateAuthorities.Count >= 2);
        var closed = root.CertificateAuthorities.First(c => c.ValidFor.End is not null);
        Assert.Equal(DateTimeOffset.Parse("2022-12-31T23:59:59.999Z"), closed.ValidFor.End);
        Assert.All(root.CertificateAuthorities, c => Assert.Equal("sigstore.dev", c.SubjectOrganization));
        Assert.NotEmpty(root.CertificateTransparencyLogs);
        Assert.NotEmpty(root.TimestampAuthorities);
    }

    [Fact]
    public async Task ThePublicGoodTrustedRootIsTrustMaterial()
    {
        var root = SigstoreTrustedRootParser.Parse(await PublicGoodTrustedRootAsync());
        ITrustMaterial material = new SigstoreTrustedRootTrustMaterial(root, "test");

        Assert.Equal(root.TransparencyLogs.Count, material.TransparencyLogs.Count);
        Assert.Empty(material.Keys);
        // Each CA chain ends at a root; the Fulcio intermediate is a link; the TSA's own leaf is not trusted.
        var fulcioRoots = root.CertificateAuthorities.Select(c => Convert.ToHexStringLower(SHA256.HashData(c.CertificateChain[^1]))).ToHashSet();
        Assert.All(fulcioRoots, id => Assert.Contains(material.Certificates, c => c.Id == id && c.Role == TrustedCertificateRole.Root));
        var tsaLeaf = Convert.ToHexStringLower(SHA256.HashData(root.TimestampAuthorities[0].CertificateChain[0]));
        Assert.DoesNotContain(material.Certificates, c => c.Id == tsaLeaf);
        Assert.Contains(material.Certificates, c => c.Role == TrustedCertificateRole.Intermediate);
    }

    [Fact]
    public void ACraftedV02RootKeepsOperatorsAndCheckpointKeyIds()
    {
        var root = SigstoreTrustedRootParser.Parse(TrustedRootDocuments.V02().ToJsonString());

        Assert.Equal(SigstoreTrustedRootParser.MediaTypeV02, root.MediaType);
        var log = root.TransparencyLogs[0];
        Assert.Equal("example.dev", log.Operator);
        Assert.Equal([1, 2, 3, 4], log.CheckpointKeyId);
        Assert.Equal("example.dev", root.CertificateAuthorities[0].Operator);
        Assert.Equal(2, root.CertificateAuthorities[0].CertificateChain.Count);
    }

    [Fact]
    public void TheV01MediaTypeIsAccepted()
    {
        var doc = TrustedRootDocuments.V02();
        doc["mediaType"] = SigstoreTrustedRootParser.MediaTypeV01;
        Assert.Equal(SigstoreTrustedRootParser.MediaTypeV01, SigstoreTrustedRootParser.Parse(doc.ToJsonString()).MediaType);
    }

    [Fact]
    public void OverlappingAndFutureWindowsAreAccepted()
    {
        var doc = TrustedRootDocuments.V02();
        var tlogs = doc["tlogs"]!.AsArray();
        var next = tlogs[0]!.DeepClone();
        next["baseUrl"] = "https://log2.example.dev";
        next["publicKey"]!["validFor"] = new JsonObject { ["start"] = "2099-01-01T00:00:00Z" };
        tlogs.Add(next);
        var overlap = tlogs[0]!.DeepClone();
        overlap["publicKey"]!["validFor"] = new JsonObject { ["start"] = "2020-06-01T00:00:00Z", ["end"] = "2030-01-01T00:00:00Z" };
        tlogs.Add(overlap);

        var root = SigstoreTrustedRootParser.Parse(doc.ToJsonString());

        Assert.Equal(3, root.TransparencyLogs.Count);
        Assert.False(root.TransparencyLogs[1].ValidFor.Contains(DateTimeOffset.UtcNow));
        Assert.True(root.TransparencyLogs[1].ValidFor.Contains(DateTimeOffset.Parse("2099-01-01T00:00:00Z")));
    }

    [Fact]
    public void WindowsAreInclusiveAtBothEnds()
    {
        var doc = TrustedRootDocuments.V02();
        doc["tlogs"]![0]!["publicKey"]!["validFor"] = new JsonObject { ["start"] = "2024-01-01T00:00:00Z", ["end"] = "2024-12-31T23:59:59.999Z" };
        var window = SigstoreTrustedRootParser.Parse(doc.ToJsonString()).TransparencyLogs[0].ValidFor;

        Assert.True(window.Contains(DateTimeOffset.Parse("2024-01-01T00:00:00Z")));
        Assert.True(window.Contains(DateTimeOffset.Parse("2024-12-31T23:59:59.999Z")));
        Assert.False(window.Contains(DateTimeOffset.Parse("2024-12-31T23:59:59.999Z").AddMilliseconds(1)));
        Assert.False(window.Contains(DateTimeOffset.Parse("2023-12-31T23:59:59.999Z")));
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "mediaType=application/vnd.dev.sigstore.trustedroot.v0.9+json", "mediaType" },
        { "mediaType=", "mediaType" },
        { "tlogs[0].baseUrl=ftp://x", "tlogs[0].baseUrl" },
        { "tlogs[0].publicKey.rawBytes=bm90IGEga2V5", "tlogs[0].publicKey.rawBytes" },
        { "tlogs[0].publicKey.rawBytes=%%%", "tlogs[0].publicKey.rawBytes" },
        { "tlogs[0].publicKey.keyDetails=", "tlogs[0].publicKey.keyDetails" },
        { "tlogs[0].publicKey.validFor=", "tlogs[0].publicKey.validFor" },
        { "tlogs[0].publicKey.validFor.start=", "tlogs[0].publicKey.validFor.start" },
        { "tlogs[0].publicKey.validFor.start=2024-01-01T00:00:00", "tlogs[0].publicKey.validFor.start" },
        { "tlogs[0].publicKey.validFor.end=2000-01-01T00:00:00Z", "tlogs[0].publicKey.validFor ends" },
        { "tlogs[0].logId=", "tlogs[0].logId" },
        { "tlogs[0].hashAlgorithm=", "tlogs[0].hashAlgorithm" },
        { "certificateAuthorities[0].certChain.certificates[0].rawBytes=bm90IGEgY2VydA==", "certificateAuthorities[0].certChain.certificates[0].rawBytes" },
        { "certificateAuthorities[0].certChain=", "certificateAuthorities[0].certChain" },
        { "certificateAuthorities[0].validFor=", "certificateAuthorities[0].validFor" },
        { "timestampAuthorities[0].validFor.start=yesterday", "timestampAuthorities[0].validFor.start" },
        { "ctlogs[0].publicKey=", "ctlogs[0].publicKey" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void ABadFieldIsRefusedByName(string change, string named)
    {
        var doc = TrustedRootDocuments.V02();
        TrustedRootDocuments.Apply(doc, change);

        var error = Assert.Throws<FormatException>(() => SigstoreTrustedRootParser.Parse(doc.ToJsonString()));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.False(SigstoreTrustedRootParser.TryParse(Encoding.UTF8.GetBytes(doc.ToJsonString()), out _, out var message));
        Assert.Equal(error.Message, message);
    }

    [Fact]
    public void DuplicateFieldsAndNonObjectsAreRefused()
    {
        Assert.Throws<FormatException>(() => SigstoreTrustedRootParser.Parse("""{"mediaType":"a","mediaType":"b"}"""));
        Assert.Throws<FormatException>(() => SigstoreTrustedRootParser.Parse("[]"));
        Assert.Throws<FormatException>(() => SigstoreTrustedRootParser.Parse("{"));
        Assert.Throws<FormatException>(() => SigstoreTrustedRootParser.Parse(new byte[SigstoreTrustedRootParser.MaxDocumentBytes + 1]));
    }

    [Fact]
    public void UnknownFieldsAndEmptyListsAreAccepted()
    {
        var doc = TrustedRootDocuments.V02();
        doc["futureField"] = new JsonObject { ["x"] = 1 };
        doc.Remove("ctlogs");
        doc["timestampAuthorities"] = new JsonArray();

        var root = SigstoreTrustedRootParser.Parse(doc.ToJsonString());

        Assert.Empty(root.CertificateTransparencyLogs);
        Assert.Empty(root.TimestampAuthorities);
    }

    [Fact]
    public void ASchemelessLogBaseUrlIsReadAsHttps()
    {
        var doc = TrustedRootDocuments.V02();
        doc["tlogs"]![0]!["baseUrl"] = "log.example.dev";
        Assert.Equal(new Uri("https://log.example.dev"), SigstoreTrustedRootParser.Parse(doc.ToJsonString()).TransparencyLogs[0].BaseUrl);
    }
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.TrustSync;
using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The file-backed Sigstore trust source: files an administrator names are checked with PathTrust, parsed, and
/// become the verifier's transparency logs and CA roots; a bad or swappable file is refused and the last good
/// material stays in effect.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileSigstoreTrustSourceTests : IDisposable
{
    private const string SigningConfig = """
        {"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json",
         "rekorTlogUrls":[{"url":"https://rekor.sigstore.dev","majorApiVersion":1,"validFor":{"start":"2021-01-12T11:53:27Z"},"operator":"sigstore.dev"}],
         "rekorTlogConfig":{"selector":"ANY"}}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("stellaops-sigstore-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The public-good trusted_root.json that @sigstore/tuf ships (real data).</summary>
    internal static byte[] PublicGoodTrustedRoot()
    {
        var seeds = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "interop", "node_modules", "@sigstore", "tuf", "seeds.json")))!;
        return Convert.FromBase64String(seeds["https://tuf-repo-cdn.sigstore.dev"]!["targets"]!["trusted_root.json"]!.GetValue<string>());
    }

    private FileSigstoreTrustSource Source(out string rootFile, out string configFile)
    {
        rootFile = Path.Combine(_dir, "trusted_root.json");
        configFile = Path.Combine(_dir, "signing_config.v0.2.json");
        File.WriteAllBytes(rootFile, PublicGoodTrustedRoot());
        File.WriteAllText(configFile, SigningConfig);
        return new FileSigstoreTrustSource(Options.Create(new TrustSyncOptions { TrustedRootFile = rootFile, SigningConfigFile = configFile }),
            TimeProvider.System, NullLogger<FileSigstoreTrustSource>.Instance);
    }

    [Fact]
    public void Files_that_pass_path_trust_become_the_trust_material()
    {
        var source = Source(out var rootFile, out _);

        Assert.Null(source.Problem);
        Assert.NotNull(source.Current.TrustedRoot);
        Assert.Equal("https://rekor.sigstore.dev/", source.Current.SigningConfig!.RekorTlogUrls[0].Url.ToString());
        Assert.Contains(rootFile, source.Current.Origin);
        ITrustMaterial material = new SigstoreTrustMaterial(source);
        Assert.Contains(material.TransparencyLogs, l => l.BaseUrl.Host == "rekor.sigstore.dev");
        Assert.Contains(material.Certificates, c => c.Role == TrustedCertificateRole.Root);
        Assert.Empty(material.Keys);
    }

    [Fact]
    public void A_file_others_can_write_is_refused_and_the_last_good_material_stays()
    {
        var source = Source(out var rootFile, out _);
        var before = source.Current;
        var changed = 0;
        source.Changed += (_, _) => changed++;

        File.SetUnixFileMode(rootFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite | UnixFileMode.OtherRead);
        Assert.False(source.Reload());

        Assert.Equal(OpsErrorCode.UntrustedPath, source.Problem!.Code);
        Assert.Contains(rootFile, source.Problem.Message);
        Assert.Same(before, source.Current);
        Assert.Equal(0, changed);
    }

    [Fact]
    public void A_file_that_does_not_parse_is_refused_by_field_and_a_fixed_one_is_picked_up()
    {
        var source = Source(out _, out var configFile);
        var changed = 0;
        source.Changed += (_, _) => changed++;

        File.WriteAllText(configFile, SigningConfig.Replace("\"ANY\"", "\"SOME\""));
        Assert.False(source.Reload());
        Assert.Equal(OpsErrorCode.TrustMaterialInvalid, source.Problem!.Code);
        Assert.Contains("rekorTlogConfig.selector", source.Problem.Message);

        File.WriteAllText(configFile, SigningConfig.Replace("rekor.sigstore.dev", "rekor2.example.dev"));
        Assert.True(source.Reload());
        Assert.Null(source.Problem);
        Assert.Equal("rekor2.example.dev", source.Current.SigningConfig!.RekorTlogUrls[0].Url.Host);
        Assert.Equal(1, changed);
    }
}

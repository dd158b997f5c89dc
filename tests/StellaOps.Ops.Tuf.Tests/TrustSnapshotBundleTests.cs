using System.Security.Cryptography;
using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.TestSupport.Tuf;
using StellaOps.Ops.Tuf.Snapshots;

namespace StellaOps.Ops.Tuf.Tests;

/// <summary>
/// The air-gapped trust bundle: a .tar.zst written and read back unchanged, refused when a file differs from the
/// manifest, is missing from it, or has a path that could leave the unpack directory; imported through the TUF
/// client from the root the client already trusts, so a bundle with valid hashes but metadata not signed by the
/// trusted keys is refused too, and a root rotation needs force.
/// </summary>
public sealed class TrustSnapshotBundleTests
{
    private static readonly byte[] TrustedRoot = Encoding.UTF8.GetBytes("""{"mediaType":"application/vnd.dev.sigstore.trustedroot.v0.2+json"}""");

    /// <summary>What a repository serves, as bundle paths: every metadata file and target file.</summary>
    private static Dictionary<string, byte[]> FilesOf(TufTestRepository repo)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var f in Directory.EnumerateFiles(repo.MetadataDirectory)) files["metadata/" + Path.GetFileName(f)] = File.ReadAllBytes(f);
        foreach (var f in Directory.EnumerateFiles(repo.TargetsDirectory)) files["targets/" + Path.GetFileName(f)] = File.ReadAllBytes(f);
        return files;
    }

    private static byte[] Bundle(IReadOnlyDictionary<string, byte[]> files)
    {
        using var stream = new MemoryStream();
        TrustSnapshotBundle.Write(stream, files, "test", TufFixture.Start);
        return stream.ToArray();
    }

    private static Dictionary<string, byte[]> Read(byte[] bundle) => TrustSnapshotBundle.Read(new MemoryStream(bundle));

    private static Task<TufRefreshResult> ImportAsync(TufFixture f, IReadOnlyDictionary<string, byte[]> withManifest, bool force = false)
        => TrustSnapshotImporter.ImportAsync(TrustSnapshotBundle.Check(withManifest), f.MetadataDirectory, f.TargetDirectory, ["trusted_root.json"], force, null, f.Clock, default);

    [Fact]
    public async Task A_bundle_round_trips_and_imports_with_no_network()
    {
        await using var f = await TufFixture.CreateAsync(setup: r => { r.AddTarget("trusted_root.json", TrustedRoot); return Task.CompletedTask; });
        var files = FilesOf(f.Repository);

        var read = Read(Bundle(files));

        Assert.Equal(files.Keys.Append(TrustSnapshotBundle.ManifestName).Order(), read.Keys.Order());
        Assert.All(files, p => Assert.Equal(p.Value, read[p.Key]));
        await f.Server.DisposeAsync(); // nothing may be fetched
        var result = await ImportAsync(f, read);
        Assert.Equal(1, result[TufRoleNames.Targets].VersionAfter);
        Assert.Equal(TrustedRoot, File.ReadAllBytes(Path.Combine(f.TargetDirectory, "trusted_root.json")));
    }

    [Fact]
    public async Task A_file_that_differs_from_the_manifest_is_refused()
    {
        await using var f = await TufFixture.CreateAsync(setup: r => { r.AddTarget("trusted_root.json", TrustedRoot); return Task.CompletedTask; });
        var read = Read(Bundle(FilesOf(f.Repository)));
        read["metadata/timestamp.json"] = [.. read["metadata/timestamp.json"], (byte)' '];
        var e = Assert.Throws<OpsException>(() => TrustSnapshotBundle.Check(read));
        Assert.Equal(OpsErrorCode.TrustSnapshotInvalid, e.Code);
        Assert.Contains("metadata/timestamp.json", e.Message);

        var extra = Read(Bundle(FilesOf(f.Repository)));
        extra["targets/unlisted"] = [1];
        Assert.Contains("not listed", Assert.Throws<OpsException>(() => TrustSnapshotBundle.Check(extra)).Message);

        var missing = Read(Bundle(FilesOf(f.Repository)));
        missing.Remove("metadata/timestamp.json");
        Assert.Contains("does not hold", Assert.Throws<OpsException>(() => TrustSnapshotBundle.Check(missing)).Message);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("metadata/../x")]
    [InlineData("metadata/a/b")]
    [InlineData("other/x")]
    [InlineData("/etc/passwd")]
    public void A_path_outside_the_bundle_layout_is_refused(string name)
    {
        var e = Assert.Throws<OpsException>(() => Bundle(new Dictionary<string, byte[]> { [name] = [1] }));
        Assert.Equal(OpsErrorCode.TrustSnapshotInvalid, e.Code);
    }

    [Fact]
    public void Bytes_that_are_not_a_bundle_are_refused()
    {
        Assert.Equal(OpsErrorCode.TrustSnapshotInvalid, Assert.Throws<OpsException>(() => Read(RandomNumberGenerator.GetBytes(4096))).Code);
        var half = Bundle(new Dictionary<string, byte[]> { ["metadata/x.json"] = RandomNumberGenerator.GetBytes(20000) });
        Assert.Equal(OpsErrorCode.TrustSnapshotInvalid, Assert.Throws<OpsException>(() => Read(half[..(half.Length / 2)])).Code);
    }

    [Fact]
    public async Task Metadata_with_matching_hashes_but_not_signed_by_the_trusted_keys_is_refused_by_the_tuf_client()
    {
        await using var f = await TufFixture.CreateAsync(setup: r => { r.AddTarget("trusted_root.json", TrustedRoot); return Task.CompletedTask; });
        // Another repository's metadata (other keys), with a manifest written for it: the manifest is no source of trust.
        await using var other = await TufFixture.CreateAsync(setup: r => { r.AddTarget("trusted_root.json", TrustedRoot); return Task.CompletedTask; });
        var files = FilesOf(other.Repository);
        files.Remove("metadata/1.root.json");
        files.Remove("metadata/root.json");
        var e = await Assert.ThrowsAsync<OpsException>(() => ImportAsync(f, Read(Bundle(files))));
        Assert.Equal(OpsErrorCode.TufThresholdNotMet, e.Code);
        Assert.Null(f.CachedVersion(TufRoleNames.Timestamp));
    }

    [Fact]
    public async Task A_root_rotation_in_the_bundle_needs_force_and_is_verified()
    {
        await using var f = await TufFixture.CreateAsync(setup: r => { r.AddTarget("trusted_root.json", TrustedRoot); return Task.CompletedTask; });
        f.Repository.RotateTopLevelKey(TufRoleNames.Root);
        await f.Repository.PublishAsync();
        var read = Read(Bundle(FilesOf(f.Repository)));

        var refused = await Assert.ThrowsAsync<OpsException>(() => ImportAsync(f, read));
        Assert.Equal(OpsErrorCode.TrustRootChangeNeedsForce, refused.Code);
        Assert.Equal(1, f.CachedVersion(TufRoleNames.Root));

        var result = await ImportAsync(f, read, force: true);
        Assert.Equal(2, result[TufRoleNames.Root].VersionAfter);
    }

    [Fact]
    public async Task A_client_with_no_trusted_root_cannot_import()
    {
        await using var f = await TufFixture.CreateAsync(setup: r => { r.AddTarget("trusted_root.json", TrustedRoot); return Task.CompletedTask; });
        File.Delete(Path.Combine(f.MetadataDirectory, "root.json"));
        var e = await Assert.ThrowsAsync<OpsException>(() => ImportAsync(f, Read(Bundle(FilesOf(f.Repository)))));
        Assert.Equal(OpsErrorCode.TrustNotConfigured, e.Code);
    }
}

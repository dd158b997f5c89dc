using System.Diagnostics;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Tuf;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.TufRepository.Tests;

/// <summary>What publish refuses (a client would), the key file format, and the ceremony record.</summary>
public sealed class RepositoryRefusalTests
{
    [Fact]
    public async Task Publish_refuses_a_timestamp_that_does_not_increase_and_names_the_role()
    {
        await using var w = await RepositoryWorld.CreateAsync(threshold: 1, keys: 1);
        var old = File.ReadAllBytes(Path.Combine(w.Repository.MetadataDirectory, "timestamp.json"));
        await w.Repository.SignAsync([], w.OnlineSigners());
        w.Repository.Publish(w.PublishDirectory);
        File.WriteAllBytes(Path.Combine(w.Repository.MetadataDirectory, "timestamp.json"), old);
        var e = Assert.Throws<OpsException>(() => w.Repository.Publish(w.PublishDirectory));
        Assert.True(e.Code is OpsErrorCode.TufRepositoryVersionInvalid or OpsErrorCode.TufRepositoryOutOfStep, e.Message);
        Assert.Contains("timestamp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_refuses_metadata_expiring_later_than_policy_and_expired_metadata()
    {
        await using var w = await RepositoryWorld.CreateAsync(threshold: 1, keys: 1);
        var signer = w.Repository.LoadOnlineKey(TufRoleNames.Timestamp, RepositoryWorld.OnlinePassword);
        var path = Path.Combine(w.Repository.MetadataDirectory, "timestamp.json");
        var md = TufMetadata<TimestampMetadata>.FromBytes(File.ReadAllBytes(path));
        md.Signed.Version += 1;
        md.Signed.Expires = w.Clock.Now.AddDays(30);
        await md.SignAsync(signer, append: false);
        File.WriteAllBytes(path, md.ToBytes());
        var e = Assert.Throws<OpsException>(() => w.Repository.Publish(w.PublishDirectory));
        Assert.Equal(OpsErrorCode.TufRepositoryExpiryInvalid, e.Code);
        Assert.Contains("policy", e.Message, StringComparison.Ordinal);

        w.Clock.Advance(TimeSpan.FromDays(40));
        e = Assert.Throws<OpsException>(() => w.Repository.Publish(w.PublishDirectory));
        Assert.Contains("expired", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_refuses_a_timestamp_out_of_step_with_snapshot()
    {
        await using var w = await RepositoryWorld.CreateAsync(threshold: 1, keys: 1);
        var signer = w.Repository.LoadOnlineKey(TufRoleNames.Timestamp, RepositoryWorld.OnlinePassword);
        var path = Path.Combine(w.Repository.MetadataDirectory, "timestamp.json");
        var md = TufMetadata<TimestampMetadata>.FromBytes(File.ReadAllBytes(path));
        md.Signed.Version += 1;
        md.Signed.SnapshotMeta = new MetaFile { Version = md.Signed.SnapshotMeta.Version + 5 };
        await md.SignAsync(signer, append: false);
        File.WriteAllBytes(path, md.ToBytes());
        var e = Assert.Throws<OpsException>(() => w.Repository.Publish(w.PublishDirectory));
        Assert.Equal(OpsErrorCode.TufRepositoryOutOfStep, e.Code);
    }

    [Theory]
    [InlineData(TufKeyFile.Ed25519)]
    [InlineData(TufKeyFile.EcdsaP256)]
    public void Key_files_are_pbes2_encrypted_pkcs8_that_openssl_opens_and_a_wrong_password_is_refused(string algorithm)
    {
        var dir = Directory.CreateTempSubdirectory("tuf-key-");
        try
        {
            var (signer, pem) = TufKeyFile.Generate(algorithm, "s3cret-pass", 10_000);
            var file = Path.Combine(dir.FullName, "k.p8");
            File.WriteAllBytes(file, pem);
            Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", System.Text.Encoding.ASCII.GetString(pem), StringComparison.Ordinal);
            var psi = new ProcessStartInfo("openssl", ["asn1parse", "-in", file]) { RedirectStandardOutput = true, UseShellExecute = false };
            using (var p = Process.Start(psi)!)
            {
                var text = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                Assert.Contains("PBES2", text, StringComparison.Ordinal);
                Assert.Contains("PBKDF2", text, StringComparison.Ordinal);
                Assert.Contains("aes-256-cbc", text, StringComparison.Ordinal);
            }
            var env = new ProcessStartInfo("openssl", ["pkey", "-in", file, "-passin", "env:TUF_TEST_PASS", "-pubout"]) { RedirectStandardOutput = true, UseShellExecute = false };
            env.Environment["TUF_TEST_PASS"] = "s3cret-pass";
            using (var p = Process.Start(env)!)
            {
                var text = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                Assert.Equal(0, p.ExitCode);
                Assert.Contains("BEGIN PUBLIC KEY", text, StringComparison.Ordinal);
            }
            using var loaded = TufKeyFile.Load(file, "s3cret-pass");
            Assert.Equal(signer.KeyId, loaded.KeyId);
            var wrong = Assert.Throws<OpsException>(() => TufKeyFile.Load(file, "wrong"));
            Assert.Equal(OpsErrorCode.TufRepositoryKeyUnavailable, wrong.Code);
            Assert.DoesNotContain("s3cret", wrong.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task The_ceremony_records_who_holds_which_key_and_the_root_and_an_ecdsa_ceremony_works()
    {
        await using var w = await RepositoryWorld.CreateAsync(threshold: 2, keys: 3, algorithm: TufKeyFile.EcdsaP256);
        var record = Directory.GetFiles(w.Repository.CeremonyDirectory).Single();
        var text = File.ReadAllText(record);
        foreach (var h in w.Repository.Config.RootHolders)
        {
            Assert.Contains(h.Name, text, StringComparison.Ordinal);
            Assert.Contains(h.KeyId, text, StringComparison.Ordinal);
        }
        Assert.Contains(Tuf.Repository.TufRepository.Sha256(File.ReadAllBytes(Path.Combine(w.Repository.MetadataDirectory, "1.root.json"))), text, StringComparison.Ordinal);
        Assert.All(w.Repository.Root.Signed.Keys.Values, k => Assert.Equal(TufKey.Ecdsa, k.KeyType));
        Assert.Equal(0, w.JsClient.Refresh().ExitCode);
        var status = w.Repository.GetStatus();
        Assert.Equal(2, status.Roles.Single(r => r.Role == TufRoleNames.Root).Threshold);
        Assert.Equal(3, status.Roles.Single(r => r.Role == TufRoleNames.Root).SignedBy.Count);
    }
}

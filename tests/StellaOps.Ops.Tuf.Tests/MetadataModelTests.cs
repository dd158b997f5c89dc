using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.TestSupport.Tuf;

namespace StellaOps.Ops.Tuf.Tests;

/// <summary>The metadata model: canonical JSON, key ids, key types, unknown fields, round trips.</summary>
public class MetadataModelTests
{
    [Fact]
    public void CanonicalJsonSortsByCodePointAndEscapesOnlyBackslashAndQuote()
    {
        var node = JsonNode.Parse("{\"b\": 1, \"a\": \"x\\\"\\\\\\n\\u00e9\", \"\\ud83d\\ude00\": [true, null, -5], \"\\uffff\": {}}");
        var bytes = OlpcCanonicalJson.Serialize(node);
        // U+FFFF sorts before U+1F600 by code point (UTF-16 ordinal order would put the surrogate pair first).
        Assert.Equal("{\"a\":\"x\\\"\\\\\n\u00e9\",\"b\":1,\"\uffff\":{},\"\U0001F600\":[true,null,-5]}", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void CanonicalJsonRefusesFloats()
    {
        Assert.Throws<FormatException>(() => OlpcCanonicalJson.Serialize(JsonNode.Parse("{\"a\":1.5}")));
        var e = Assert.Throws<OpsException>(() => TufMetadata<TimestampMetadata>.FromBytes(
            "{\"signed\":{\"_type\":\"timestamp\",\"spec_version\":\"1.0\",\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"meta\":{\"snapshot.json\":{\"version\":1}},\"x\":0.5},\"signatures\":[]}"u8));
        Assert.Equal(OpsErrorCode.TufMetadataInvalid, e.Code);
    }

    [Fact]
    public void KeyIdsAreTheSha256OfTheKeysCanonicalJson()
    {
        var key = new TufKey("ed25519", "ed25519", "ab12");
        var expected = Convert.ToHexStringLower(SHA256.HashData("{\"keytype\":\"ed25519\",\"keyval\":{\"public\":\"ab12\"},\"scheme\":\"ed25519\"}"u8));
        Assert.Equal(expected, key.ComputeKeyId());
    }

    public static TheoryData<string> KeyKinds => new() { "ed25519", "ecdsa-p256", "ecdsa-p384", "legacy-ecdsa-sha2-nistp256", "rsa" };

    [Theory]
    [MemberData(nameof(KeyKinds))]
    public async Task EveryKeyTypeSignsAndVerifiesAndRejectsOtherBytes(string kind)
    {
        using var signer = kind switch
        {
            "ed25519" => SoftwareTufSigner.GenerateEd25519(),
            "ecdsa-p256" => SoftwareTufSigner.GenerateEcdsa(),
            "ecdsa-p384" => SoftwareTufSigner.GenerateEcdsa(p384: true),
            "legacy-ecdsa-sha2-nistp256" => SoftwareTufSigner.GenerateEcdsa(keyType: "ecdsa-sha2-nistp256"),
            _ => SoftwareTufSigner.GenerateRsa(),
        };
        var data = "signed bytes"u8.ToArray();
        var sig = await signer.SignAsync(data);
        Assert.True(signer.PublicKey.Verify(sig, data));
        Assert.False(signer.PublicKey.Verify(sig, "other bytes"u8));
        Assert.False(signer.PublicKey.Verify(sig.AsSpan(1), data));
    }

    // securesystemslib verifies rsassa-pss-sha256 with PSS.AUTO: any salt length a signer chose (digest length, none,
    // the maximum emLen - hLen - 2), also with a modulus whose bit length leaves a zero top octet (2049 bits).
    [Theory]
    [InlineData(2048, 32)]
    [InlineData(2048, 0)]
    [InlineData(2048, 20)]
    [InlineData(2048, 222)]
    [InlineData(2049, 64)]
    public void RsaPssSignaturesWithAnySaltLengthVerify(int bits, int saltLength)
    {
        var generator = new Org.BouncyCastle.Crypto.Generators.RsaKeyPairGenerator();
        generator.Init(new Org.BouncyCastle.Crypto.Parameters.RsaKeyGenerationParameters(Org.BouncyCastle.Math.BigInteger.ValueOf(65537),
            new Org.BouncyCastle.Security.SecureRandom(), bits, 80));
        var pair = generator.GenerateKeyPair();
        var spki = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetEncoded();
        var key = new TufKey(TufKey.Rsa, TufKey.RsassaPssSha256, PemEncoding.WriteString("PUBLIC KEY", spki));
        var data = "signed bytes"u8.ToArray();
        byte[] Sign(Org.BouncyCastle.Crypto.IDigest digest, int salt)
        {
            var signer = new Org.BouncyCastle.Crypto.Signers.PssSigner(new Org.BouncyCastle.Crypto.Engines.RsaBlindedEngine(), digest, salt);
            signer.Init(true, pair.Private);
            signer.BlockUpdate(data, 0, data.Length);
            return signer.GenerateSignature();
        }

        var signature = Sign(new Org.BouncyCastle.Crypto.Digests.Sha256Digest(), saltLength);
        Assert.True(key.Verify(signature, data));
        Assert.False(key.Verify(signature, "other bytes"u8));
        var flipped = (byte[])signature.Clone();
        flipped[^1] ^= 1;
        Assert.False(key.Verify(flipped, data));
        // The scheme is SHA-256: the same key's PSS signature over SHA-512 is not one.
        Assert.False(key.Verify(Sign(new Org.BouncyCastle.Crypto.Digests.Sha512Digest(), 0), data));
    }

    [Fact]
    public void AKeyWhoseCurveDoesNotMatchItsSchemeNeverVerifies()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var claimed = new TufKey("ecdsa", "ecdsa-sha2-nistp256", p384.ExportSubjectPublicKeyInfoPem());
        var data = "x"u8.ToArray();
        Assert.False(claimed.Verify(p384.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), data));
        Assert.False(new TufKey("unknown", "unknown", "00").Verify([0], data));
    }

    [Fact]
    public async Task ARepositoryWithEcdsaAndRsaRoleKeysRefreshes()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.RotateTopLevelKey("timestamp", SoftwareTufSigner.GenerateEcdsa());
        f.Repository.RotateTopLevelKey("snapshot", SoftwareTufSigner.GenerateEcdsa(p384: true, keyType: "ecdsa-sha2-nistp384"));
        f.Repository.RotateTopLevelKey("targets", SoftwareTufSigner.GenerateRsa());
        await f.Repository.PublishAsync();

        var result = await f.RefreshAsync();
        Assert.Equal(2, result["root"].VersionAfter);
        Assert.Equal(1, result["targets"].VersionAfter);
        Assert.Equal(["ecdsa", "ecdsa-sha2-nistp384", "rsa"], f.Repository.Root.Roles.Where(r => r.Key != "root")
            .Select(r => f.Repository.Root.Keys[r.Value.KeyIds.Single()].KeyType));
    }

    [Fact]
    public async Task UnknownFieldsAreKeptAndVerifiedAsReceived()
    {
        await using var f = await TufFixture.CreateAsync();
        f.Repository.Timestamp.UnrecognizedFields["x-custom"] = new JsonObject { ["z"] = 1, ["a"] = "\u00e9" };
        f.Repository.Timestamp.SnapshotMeta.UnrecognizedFields["note"] = "kept";
        await f.Repository.PublishAsync();
        var served = f.Repository.ReadMetadata("timestamp.json");

        var parsed = TufMetadata<TimestampMetadata>.FromBytes(served);
        Assert.Equal(1, parsed.Signed.UnrecognizedFields["x-custom"]!["z"]!.GetValue<int>());
        Assert.Equal(served, parsed.ToBytes());
        Assert.Equal(2, (await f.RefreshAsync())["timestamp"].VersionAfter);
        Assert.Equal(served, f.CachedBytes("timestamp"));

        // The same file with the unknown field changed no longer verifies.
        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(served).Replace("\"z\":1", "\"z\":2"));
        var ts = TufMetadata<TimestampMetadata>.FromBytes(altered);
        Assert.Equal(0, ts.CountValidSignatures(f.Repository.Root.Roles["timestamp"], f.Repository.Root.Keys));
        Assert.Equal(1, parsed.CountValidSignatures(f.Repository.Root.Roles["timestamp"], f.Repository.Root.Keys));
    }

    [Fact]
    public async Task AParsedFileSignsAgainAfterAChangeAndWritesWhatItRead()
    {
        var signer = SoftwareTufSigner.GenerateEd25519();
        var targets = new TargetsMetadata { Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        targets.Targets["a"] = TargetFile.Describing("a", "a"u8);
        targets.Targets["a"].UnrecognizedFields["custom"] = new JsonObject { ["k"] = "v" };
        var role = new TufRoleKeys { KeyIds = [signer.KeyId], Threshold = 1 };
        var keys = new Dictionary<string, TufKey> { [signer.KeyId] = signer.PublicKey };
        var bytes = await TufTestRepository.SignAsync(targets, [signer]);

        var read = TufMetadata<TargetsMetadata>.FromBytes(bytes);
        Assert.Equal("v", read.Signed.Targets["a"].Custom!["k"]!.GetValue<string>());
        read.Signed.Version = 2;
        Assert.Equal(1, read.CountValidSignatures(role, keys)); // still over the bytes received, until re-signed
        await read.SignAsync(signer, append: false);
        Assert.Equal(1, read.CountValidSignatures(role, keys));
        Assert.Equal(2, TufMetadata<TargetsMetadata>.FromBytes(read.ToBytes()).Signed.Version);
    }

    [Theory]
    [InlineData("{\"signed\":{\"_type\":\"snapshot\"},\"signatures\":[]}")]
    [InlineData("{\"signed\":{\"_type\":\"timestamp\",\"spec_version\":\"2.0.0\",\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"meta\":{\"snapshot.json\":{\"version\":1}}},\"signatures\":[]}")]
    [InlineData("{\"signed\":{\"_type\":\"timestamp\",\"spec_version\":\"1.0\",\"version\":1,\"expires\":\"2030-01-01\",\"meta\":{\"snapshot.json\":{\"version\":1}}},\"signatures\":[]}")]
    [InlineData("{\"signed\":{\"_type\":\"timestamp\",\"spec_version\":\"1.0\",\"version\":0,\"expires\":\"2030-01-01T00:00:00Z\",\"meta\":{\"snapshot.json\":{\"version\":1}}},\"signatures\":[]}")]
    [InlineData("{\"signed\":{\"_type\":\"timestamp\",\"_type\":\"timestamp\"},\"signatures\":[]}")]
    [InlineData("not json")]
    public void MalformedMetadataIsInvalid(string json)
    {
        var e = Assert.Throws<OpsException>(() => TufMetadata<TimestampMetadata>.FromBytes(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(OpsErrorCode.TufMetadataInvalid, e.Code);
    }

    [Theory]
    [InlineData("files/a.txt", "files/*", true)]
    [InlineData("files/sub/a.txt", "files/*", false)]
    [InlineData("a.py", "*.py", true)]
    [InlineData("dir/a.py", "*.py", false)]
    [InlineData("v1/x", "v?/x", true)]
    [InlineData("vb/x", "v[a-c]/x", true)]
    [InlineData("vd/x", "v[!a-c]/x", true)]
    [InlineData("va/x", "v[!a-c]/x", false)]
    public void PathPatternsMatchSegmentBySegment(string path, string pattern, bool matches) => Assert.Equal(matches, PathPattern.Matches(path, pattern));
}

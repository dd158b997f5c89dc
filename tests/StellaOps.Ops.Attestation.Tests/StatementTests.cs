using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Attestation.Tests.Support;

namespace StellaOps.Ops.Attestation.Tests;

public class StatementTests
{
    private const string Hex64 = "8a1f0a7b3c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";

    [Fact]
    public void Serializes_deterministically_in_a_fixed_order_without_whitespace()
    {
        var subject = new Subject("app", new Dictionary<string, string> { ["sha512"] = new string('b', 128), ["sha256"] = Hex64 });
        var predicate = JsonDocument.Parse("""{ "z": 1, "a": [true, null, "x+y"] }""").RootElement;
        var statement = new InTotoStatement([subject], "https://example.com/p/v1", predicate);

        var expected = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"app\",\"digest\":{\"sha256\":\"" + Hex64 +
                       "\",\"sha512\":\"" + new string('b', 128) + "\"}}],\"predicateType\":\"https://example.com/p/v1\",\"predicate\":{\"z\":1,\"a\":[true,null,\"x+y\"]}}";
        Assert.Equal(expected, statement.ToJson());
        Assert.Equal(statement.ToJsonBytes(), InTotoStatement.Parse(statement.ToJsonBytes()).ToJsonBytes());
    }

    [Fact]
    public void Round_trips_subjects_and_predicate()
    {
        var statement = Statements.Sample();
        var parsed = InTotoStatement.Parse(statement.ToJson());
        Assert.Equal(statement.Subjects, parsed.Subjects);
        Assert.Equal(statement.PredicateType, parsed.PredicateType);
        Assert.Equal("héllo <&> +", parsed.Predicate!.Value.GetProperty("note").GetString());
    }

    [Theory]
    [InlineData("sha256", "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789", "lowercase")]
    [InlineData("sha256", "abc", "exactly 64")]
    [InlineData("sha512", "8a1f0a7b3c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7", "exactly 128")]
    [InlineData("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "Unsupported digest algorithm 'sha1'")]
    [InlineData("SHA256", "8a1f0a7b3c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7", "Unsupported digest algorithm 'SHA256'")]
    public void Rejects_bad_digests_clearly(string alg, string hex, string expectedMessagePart)
    {
        var e = Assert.Throws<ArgumentException>(() => new Subject("x", alg, hex));
        Assert.Contains(expectedMessagePart, e.Message);

        var json = $$$"""{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"{{{alg}}}":"{{{hex}}}"}}],"predicateType":"p"}""";
        Assert.False(InTotoStatement.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Contains(expectedMessagePart, error);
    }

    [Theory]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"x","digest":{"sha256":"%H"}}],"predicateType":"p"}""", "Unsupported statement _type")]
    [InlineData("""{"subject":[{"name":"x","digest":{"sha256":"%H"}}],"predicateType":"p"}""", "no string '_type'")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p"}""", "empty")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"%H"}}]}""", "predicateType")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"%H"}}],"predicateType":"p"}""", "no 'name'")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"%H"}}],"predicateType":"p"}""", "not valid JSON")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    [InlineData("""{"_type":""", "not valid JSON")]
    public void Rejects_malformed_statements(string template, string expected)
    {
        var json = template.Replace("%H", Hex64);
        Assert.False(InTotoStatement.TryParse(Encoding.UTF8.GetBytes(json), out var statement, out var error));
        Assert.Null(statement);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Subject_forms_from_the_runbooks()
    {
        var image = SubjectFactory.Parse("registry.example/app@sha256:" + Hex64);
        Assert.Equal("registry.example/app", image.Name);
        Assert.Equal(Hex64, image.Digest["sha256"]);

        var bare = SubjectFactory.Parse("sha256:" + Hex64);
        Assert.Equal("sha256:" + Hex64, bare.Name);
        Assert.Equal(Hex64, bare.Digest["sha256"]);

        var test = SubjectFactory.Parse("test:verification");
        Assert.Equal("test:verification", test.Name);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("test:verification"u8)), test.Digest["sha256"]);
    }

    [Theory]
    [InlineData("sha256:ABCDEF")]
    [InlineData("app@sha256:xyz")]
    [InlineData("app@sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("@sha256:8a1f0a7b3c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7")]
    [InlineData("  ")]
    public void Subject_parse_rejects_digest_lookalikes_instead_of_hashing_them(string text)
        => Assert.Throws<FormatException>(() => SubjectFactory.Parse(text));

    [Fact]
    public void Subject_from_file_hashes_the_content()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, "artifact bytes"u8.ToArray());
            var s = SubjectFactory.FromFile(path, "artifact.bin");
            Assert.Equal("artifact.bin", s.Name);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("artifact bytes"u8)), s.Digest["sha256"]);
            Assert.Equal(Path.GetFileName(path), SubjectFactory.FromFile(path).Name);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

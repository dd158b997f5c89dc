using System.Collections;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Attestor;
using StellaOps.Ops.PowerShell.Dispatch;

namespace StellaOps.Ops.PowerShell.Tests;

/// <summary>The client-side parts of the attestor cmdlets: subjects, predicates, error messages, runbook lines.</summary>
public sealed class AttestorArgumentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("attest-args-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string? NoFiles(string _) => null;

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void NameAtDigestKeepsNameAndDigest()
    {
        var hex = new string('a', 64);
        var s = SubjectArgument.Resolve($"registry.example/app@sha256:{hex}", NoFiles);
        Assert.Equal("registry.example/app", s.Name);
        Assert.Equal(hex, s.Digest["sha256"]);
        Assert.Equal($"registry.example/app@sha256:{hex}", SubjectArgument.Describe(s));
    }

    [Fact]
    public void BareDigestIsItsOwnName()
    {
        var text = "sha256:" + new string('0', 64);
        var s = SubjectArgument.Resolve(text, NoFiles);
        Assert.Equal(text, s.Name);
        Assert.Equal(new string('0', 64), s.Digest["sha256"]);
        Assert.Equal(text, SubjectArgument.Describe(s));
    }

    [Fact]
    public void ARunbookNameIsHashedAsItsName()
    {
        var s = SubjectArgument.Resolve("test:verification", NoFiles);
        Assert.Equal("test:verification", s.Name);
        Assert.Equal(Sha256Hex("test:verification"), s.Digest["sha256"]);
    }

    [Fact]
    public void AnExistingFileIsHashedByContentUnderItsFileName()
    {
        var file = Path.Combine(_dir, "app.tar");
        File.WriteAllText(file, "artifact bytes");
        var s = SubjectArgument.Resolve("./app.tar", t => Path.Combine(_dir, t));
        Assert.Equal("app.tar", s.Name);
        Assert.Equal(Sha256Hex("artifact bytes"), s.Digest["sha256"]);
    }

    [Fact]
    public void AFolderIsRefusedWithWhatToDoInstead()
    {
        var e = Assert.Throws<FormatException>(() => SubjectArgument.Resolve("dist", _ => _dir));
        Assert.Contains("is a folder", e.Message);
        Assert.Contains("Get-ChildItem", e.Message);
    }

    [Theory]
    [InlineData("sha256:ABC")]
    [InlineData("app@sha256:1234")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("   ")]
    public void AMalformedDigestIsAnErrorNotAName(string text)
        => Assert.Throws<FormatException>(() => SubjectArgument.Resolve(text, NoFiles));

    [Fact]
    public void APathThatLooksLikeADigestIsStillADigest()
    {
        // A file named like a digest does not turn a digest into a file subject.
        var text = "sha256:" + new string('b', 64);
        var s = SubjectArgument.Resolve(text, _ => throw new InvalidOperationException("must not look for a file"));
        Assert.Equal(new string('b', 64), s.Digest["sha256"]);
    }

    [Fact]
    public void HashtablePredicateBecomesAJsonObjectWithNestedValues()
    {
        var table = new Hashtable
        {
            ["result"] = "pass",
            ["count"] = 3,
            ["ratio"] = 0.5,
            ["ok"] = true,
            ["tags"] = new object[] { "a", 1 },
            ["inner"] = new Hashtable { ["x"] = null },
            ["when"] = new DateTimeOffset(2026, 1, 17, 10, 0, 0, TimeSpan.Zero),
        };
        var json = PredicateArgument.ToJson(PSObject.AsPSObject(table), NoFiles);
        using var doc = System.Text.Json.JsonDocument.Parse(json!);
        var root = doc.RootElement;
        Assert.Equal("pass", root.GetProperty("result").GetString());
        Assert.Equal(3, root.GetProperty("count").GetInt32());
        Assert.Equal(0.5, root.GetProperty("ratio").GetDouble());
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal(2, root.GetProperty("tags").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("inner").GetProperty("x").ValueKind);
        Assert.Equal("2026-01-17T10:00:00.0000000+00:00", root.GetProperty("when").GetString());
    }

    [Fact]
    public void PsCustomObjectPredicateUsesItsProperties()
    {
        var pso = new PSObject();
        pso.Properties.Add(new PSNoteProperty("scanner", "trivy"));
        pso.Properties.Add(new PSNoteProperty("findings", 0));
        Assert.Equal("""{"scanner":"trivy","findings":0}""", PredicateArgument.ToJson(pso, NoFiles));
    }

    [Fact]
    public void JsonTextAndJsonFilePredicatesAreCheckedAndCompacted()
    {
        Assert.Equal("""{"a":1}""", PredicateArgument.ToJson("""{ "a" : 1 }""", NoFiles));
        var file = Path.Combine(_dir, "predicate.json");
        File.WriteAllText(file, """{ "builder": { "id": "ci" } }""");
        Assert.Equal("""{"builder":{"id":"ci"}}""", PredicateArgument.ToJson("predicate.json", t => Path.Combine(_dir, t)));
        Assert.Equal("""{"builder":{"id":"ci"}}""", PredicateArgument.ToJson(new FileInfo(file), NoFiles));
        Assert.Null(PredicateArgument.ToJson(null, NoFiles));
    }

    [Theory]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("no-such-file.json", "neither a JSON object nor an existing file")]
    public void BadPredicatesSayWhatIsWrong(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => PredicateArgument.ToJson(text, t => Path.Combine(_dir, t)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void APredicateWithAReferenceLoopIsRefused()
    {
        var loop = new Hashtable();
        loop["self"] = loop;
        Assert.Throws<FormatException>(() => PredicateArgument.ToJson(loop, NoFiles));
    }

    [Fact]
    public void AFailedSigningErrorIsTheDaemonsOwnTextAndAdvice()
    {
        // The daemon names the attestation and how to sign it again (SigningKeyCheck.Unsigned); the module shows that as it is.
        var attestation = new AttestationInfo
        {
            Id = "a1b2c3d4e5f6",
            Type = "test",
            Status = AttestationStatus.Failed,
            Subjects = [new AttestationSubject { Name = "test:verification", Digest = new Dictionary<string, string> { ["sha256"] = Sha256Hex("test:verification") } }],
        };
        var error = new OpsError { Code = OpsErrorCode.NoActiveKey, Message = "There is no active signing key.", RecommendedAction = "Activate one with Enable-StellaKey." };
        var record = ErrorMapping.ToErrorRecord(error.ToException(), attestation);
        Assert.Equal("NoActiveKey", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, record.CategoryInfo.Category);
        Assert.Equal("There is no active signing key.", record.Exception.Message);
        Assert.Equal("Activate one with Enable-StellaKey.", record.ErrorDetails.RecommendedAction);
        Assert.Same(attestation, record.TargetObject);
    }

    [Fact]
    public void AFailedSigningTestNamesTheFailedStep()
    {
        var result = new SigningTestResult
        {
            Success = false,
            SigningMode = "software",
            Steps =
            [
                new SigningTestStep { Name = "resolve-key", Success = true },
                new SigningTestStep { Name = "key-valid", Success = false, Message = "expired" },
            ],
            Error = new OpsError { Code = OpsErrorCode.KeyExpired, Message = "The key expired.", RecommendedAction = "Activate a backup key." },
        };
        var ex = TestStellaSigningCommand.Explain(result);
        Assert.Equal(OpsErrorCode.KeyExpired, ex.Code);
        Assert.Contains("'key-valid'", ex.Message);
        Assert.Equal("key-valid", ex.Target);
        Assert.Equal("Activate a backup key.", ex.RecommendedAction);
    }

    private static RunbookInvocation Parse(string line) => RunbookCommandLine.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void AttestRunbookLinesMapToTheAttestorCmdlets()
    {
        var create = Parse("attest create --subject sha256:" + new string('c', 64) + " --type provenance --force");
        Assert.Equal("New-StellaAttestation", create.CommandName);
        Assert.Equal(new[] { "sha256:" + new string('c', 64) }, (string[])create.Parameters["Subject"]!);
        Assert.Equal("provenance", create.Parameters["Type"]);
        Assert.True(((SwitchParameter)create.Parameters["Force"]!).IsPresent);

        var retry = Parse("attest retry --failed --last 1h");
        Assert.Equal("Invoke-StellaAttestationRetry", retry.CommandName);
        Assert.True(((SwitchParameter)retry.Parameters["Failed"]!).IsPresent);
        Assert.Equal(TimeSpan.FromHours(1), ((Duration)retry.Parameters["Last"]!).Value);

        var resign = Parse("attest resign abcdef0123456789");
        Assert.Equal("Invoke-StellaAttestationRetry", resign.CommandName);
        Assert.Equal(new[] { "abcdef0123456789" }, (string[])resign.Parameters["Id"]!);
        Assert.Equal(true, resign.Parameters["Resign"]);

        var show = Parse("attest show abcdef0123456789 --details");
        Assert.Equal("Get-StellaAttestation", show.CommandName);
        Assert.True(((SwitchParameter)show.Parameters["Detailed"]!).IsPresent);

        Assert.Equal(AttestationStatus.Failed, Parse("attest show --status failed").Parameters["Status"]);
        Assert.Equal("Test-StellaSigning", Parse("attest test-sign --verbose").CommandName);
        Assert.Equal("Test-StellaAttestationIntegrity", Parse("attest integrity-check abcdef0123456789").CommandName);
    }

    [Theory]
    [InlineData("attest resign", "MissingArgument")]
    [InlineData("attest integrity-check", "MissingArgument")]
    [InlineData("attest retry --last soon", "InvalidFlagValue")]
    [InlineData("attest show --status broken", "InvalidFlagValue")]
    [InlineData("attest create --subjct x", "UnknownFlag")]
    public void MalformedAttestLinesFail(string line, string errorId)
        => Assert.Equal(errorId, Assert.Throws<RunbookSyntaxException>(() => Parse(line)).ErrorId);
}

using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.PowerShell.Tests;

/// <summary>
/// How the records read inside other objects (Format-List *, "$object", a joined list): never the compiler's
/// record dump ("KeyInfo { Id = … }") or a collection's .NET type name.
/// </summary>
public class DisplayTextTests
{
    private static readonly DateTimeOffset At = new(2027, 12, 1, 21, 48, 34, TimeSpan.Zero);

    private static void ReadsAsText(object value)
    {
        var text = value.ToString()!;
        Assert.DoesNotContain(value.GetType().Name + " {", text);
        Assert.DoesNotContain("System.Collections", text);
        Assert.DoesNotContain(" = ", text);
    }

    [Theory]
    [InlineData("signing-ecdsa-p256-20261201-214834", 34, "signing-ecdsa-p256-20261201-214834")]
    [InlineData("signing-ecdsa-p256-20261201-214834", 28, "signing-ecdsa-…261201-214834")]
    [InlineData("release-signing-key-for-production-2027-rotation-b", 34, "release-signing-k…-2027-rotation-b")]
    [InlineData("short", 34, "short")]
    [InlineData("", 34, "")]
    public void FitDropsTheMiddleSoBothEndsStay(string name, int width, string expected)
    {
        var fitted = DisplayText.Fit(name, width);
        Assert.Equal(expected, fitted);
        Assert.True(fitted.Length <= width);
    }

    [Fact]
    public void DefaultKeyNamesThatDifferOnlyInTheirTimeStayDifferentInTheTableColumn()
    {
        Assert.NotEqual(DisplayText.Fit("signing-ecdsa-p256-20261201-214834", 28), DisplayText.Fit("signing-ecdsa-p256-20261201-214835", 28));
    }

    [Fact]
    public void AKeyReadsAsItsShortIdNameKindStateAndExpiry()
    {
        var key = new KeyInfo
        {
            Id = "edd6ec086d3363475f0fba0d853790c97db2876dd70bf320391c01cbdfeadcc5", Name = "signing-ecdsa-p256-20261201-214834",
            Algorithm = KeyAlgorithm.EcdsaP256, Provider = KeyProvider.Software, Status = KeyStatus.Active, ExpiresAt = At,
        };
        Assert.Equal($"edd6ec086d336347 signing-ecdsa-p256-20261201-214834 (ecdsa-p256, Software, Active, expires {DisplayText.Date(At)})", key.ToString());
        ReadsAsText(key);
    }

    [Fact]
    public void TheDaemonAndItsCapabilitiesReadAsText()
    {
        var daemon = new DaemonStatus
        {
            Version = "0.1.0", ProcessId = 4242, Uptime = TimeSpan.FromSeconds(3725.7), Endpoint = "/run/stellaops/opsd.sock",
            Capabilities = [new CapabilityStatus { Name = "attestor", State = CapabilityState.Ready }, new CapabilityStatus { Name = "hsm", State = CapabilityState.NotConfigured }],
        };
        Assert.Equal("0.1.0 pid 4242, up 1h2m5s, /run/stellaops/opsd.sock", daemon.ToString());
        Assert.Equal("attestor: Ready, hsm: NotConfigured", string.Join(", ", daemon.Capabilities));
        ReadsAsText(daemon);
    }

    [Fact]
    public void SubjectsEventsErrorsAndStepsReadAsText()
    {
        var subject = new AttestationSubject { Name = "test:verification", Digest = new Dictionary<string, string> { ["sha256"] = "df59be26" } };
        Assert.Equal("test:verification@sha256:df59be26", subject.ToString());
        var attestation = new AttestationInfo { Id = "01a23394-ba23-797b-98e4-98a2d75cefe0", Type = "test", Status = AttestationStatus.Signed, Subjects = [subject] };
        Assert.Equal("01a23394-ba23-797b-98e4-98a2d75cefe0 test Signed for test:verification@sha256:df59be26", attestation.ToString());
        var created = new AttestationEvent { Timestamp = At, Event = "created", Actor = "root (uid 0, pid 1, Operator)", Detail = "test for test:verification" };
        Assert.Equal($"{DisplayText.Time(At)} created by root (uid 0, pid 1, Operator) test for test:verification", created.ToString());
        var error = new OpsError { Code = OpsErrorCode.NoActiveKey, Message = "There is no active signing key.", RecommendedAction = "Activate one with Enable-StellaKey." };
        Assert.Equal("NoActiveKey: There is no active signing key. Activate one with Enable-StellaKey.", error.ToString());
        var step = new SigningTestStep { Name = "sign", Success = false, Duration = TimeSpan.FromMilliseconds(1.5), Message = "no key" };
        Assert.Equal("FAIL sign (1.5 ms) no key", step.ToString());
        var failure = new AttestationFailure { AttestationId = attestation.Id, At = At, Error = new OpsError { Code = OpsErrorCode.NoActiveKey, Message = "no key" } };
        Assert.Equal($"{DisplayText.Time(At)} {attestation.Id} NoActiveKey: no key", failure.ToString());
        foreach (var value in new object[] { subject, attestation, created, error, step, failure, new IntegrityCheck { Name = "signature", Passed = true },
                     new HsmStateChange { Timestamp = At, Hsm = "primary", From = "Connected", To = "Down", Reason = "killed" },
                     new HsmMemberStatus { Name = "primary", State = "Connected", TokenLabel = "sop-primary", SlotId = 7 },
                     new ProviderAlgorithm { Algorithm = "ecdsa-p256", CanGenerate = true, CanSign = true } })
        {
            ReadsAsText(value);
        }
    }

    [Fact]
    public void APublicKeyReadsAsItsPem()
    {
        var pem = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----";
        Assert.Equal(pem, new PublicKeyInfo { Id = "ab", Pem = pem }.ToString());
    }
}

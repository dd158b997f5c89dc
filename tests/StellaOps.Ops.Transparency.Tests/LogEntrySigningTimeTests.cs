using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport.Tuf;
using StellaOps.Ops.Transparency.Verification;
using Server = StellaOps.Ops.TestLogServer.TestLogServer;

namespace StellaOps.Ops.Transparency.Tests;

/// <summary>
/// Offline verification takes a verified Rekor v1 entry's integrated time (its SET signs it) as the signing time
/// when no trusted RFC 3161 timestamp says otherwise, and judges the key window at it: the v1 test log integrates
/// at a clock three days back, so a key valid now but not then fails, and a key rotated out since then verifies.
/// An entry whose SET does not verify gives no time; v2 entries carry none.
/// </summary>
public sealed class LogEntrySigningTimeTests : TwoTestLogs
{
    private static readonly DateTimeOffset Integrated = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(-3).ToUnixTimeSeconds());

    private AttestationVerification Verify(LoggedBundle logged, TrustedKey key, string? json = null, IEnumerable<TrustedCertificate>? certificates = null, Server? log = null)
    {
        var trust = new StaticTrustMaterial([key], certificates, transparencyLogs: [(log ?? V1).Trusted(Integrated.AddDays(-10))]);
        using var verifier = new AttestationVerifier(trust, new AttestationVerifierOptions { LogEntryCheck = new BundleLogEntryCheck() });
        return verifier.Verify(Encoding.UTF8.GetBytes(json ?? logged.Json), "bundle");
    }

    private async Task<LoggedBundle> LoggedV1Async(string text)
    {
        V1.Log.Clock = new ManualClock(Integrated);
        return await LogTestKit.LoggedBundleAsync(V1, Http, text);
    }

    private static VerificationCheckResult CheckOf(AttestationVerification r, string name) => r.Checks.Single(c => c.Name == name);

    [Fact]
    public async Task A_v1_bundle_verified_offline_is_judged_at_its_entrys_integrated_time()
    {
        var logged = await LoggedV1Async("integrated-time");
        Assert.Equal(Integrated.ToUnixTimeSeconds(), logged.Entry.IntegratedTime);

        var r = Verify(logged, TrustedKey.FromPem(logged.KeyPem));

        Assert.True(r.Verified, r.Message);
        Assert.Equal(SigningTimeSource.TransparencyLog, r.SigningTimeSource);
        Assert.Equal(Integrated, r.SigningTime);
        Assert.Contains("integrated time of a verified Rekor v1 entry", r.SigningTimeDetail);
        Assert.Equal(VerificationCheckStatus.Pass, CheckOf(r, VerificationNames.TransparencyLog).Status);
        // The log is checked first internally; the checks are still reported in their usual order.
        var names = r.Checks.Select(c => c.Name).ToList();
        Assert.True(names.IndexOf(VerificationNames.Signature) < names.IndexOf(VerificationNames.SigningTime));
        Assert.True(names.IndexOf(VerificationNames.SigningTime) < names.IndexOf(VerificationNames.KeyValidAtSigningTime));
        Assert.Equal(VerificationNames.TransparencyLog, names[^1]);
    }

    [Fact]
    public async Task A_key_not_trusted_at_the_integrated_time_fails_though_it_is_trusted_now()
    {
        var logged = await LoggedV1Async("not-yet-trusted");

        var ended = Verify(logged, TrustedKey.FromPem(logged.KeyPem, Integrated.AddDays(-10), Integrated.AddHours(-1)));
        var later = Verify(logged, TrustedKey.FromPem(logged.KeyPem, Integrated.AddHours(1)));

        foreach (var r in new[] { ended, later })
        {
            Assert.False(r.Verified);
            Assert.Equal(OpsErrorCode.KeyNotTrustedAtSigningTime, r.Failure);
            Assert.Equal(SigningTimeSource.TransparencyLog, r.SigningTimeSource);
            Assert.Equal(VerificationCheckStatus.Fail, CheckOf(r, VerificationNames.KeyValidAtSigningTime).Status);
            Assert.Equal(VerificationCheckStatus.Pass, CheckOf(r, VerificationNames.TransparencyLog).Status);
        }
        Assert.Equal(Integrated.ToString("O"), CheckOf(later, VerificationNames.KeyValidAtSigningTime).Evidence["signingTime"]);
    }

    [Fact]
    public async Task A_key_rotated_out_after_the_integrated_time_verifies_where_the_current_time_would_fail()
    {
        var logged = await LoggedV1Async("rotated-since");
        var rotated = TrustedKey.FromPem(logged.KeyPem, Integrated.AddDays(-10), Integrated.AddHours(1));

        var r = Verify(logged, rotated);
        Assert.True(r.Verified, r.Message);
        Assert.Equal(SigningTimeSource.TransparencyLog, r.SigningTimeSource);

        // The same envelope with no log entry has no time but now, after the key's window.
        var bare = SigstoreBundle.FromEnvelope(logged.Envelope, logged.KeyId).ToJson();
        var unlogged = Verify(logged, rotated, bare);
        Assert.Equal(SigningTimeSource.CurrentTime, unlogged.SigningTimeSource);
        Assert.Equal(OpsErrorCode.KeyNotTrustedAtSigningTime, unlogged.Failure);
    }

    [Fact]
    public async Task An_integrated_time_stands_for_its_whole_second()
    {
        var logged = await LoggedV1Async("whole-second");
        // A key made 500 ms into the second the log integrated it in (an integrated time has no fraction).
        var r = Verify(logged, TrustedKey.FromPem(logged.KeyPem, Integrated.AddMilliseconds(500)));
        Assert.True(r.Verified, r.Message);
        Assert.Equal("00:00:01", CheckOf(r, VerificationNames.KeyValidAtSigningTime).Evidence["signingTimeResolution"]);
    }

    [Fact]
    public async Task A_tampered_integrated_time_gives_no_time_and_fails()
    {
        var logged = await LoggedV1Async("tampered-time");
        var json = JsonNode.Parse(logged.Json)!;
        json["verificationMaterial"]!["tlogEntries"]![0]!["integratedTime"] = Integrated.AddHours(-2).ToUnixTimeSeconds().ToString();
        var tampered = json.ToJsonString();

        // The key was rotated out before now: had the tampered time been believed, it would be in its window.
        var r = Verify(logged, TrustedKey.FromPem(logged.KeyPem, Integrated.AddDays(-10), Integrated.AddHours(1)), tampered);

        Assert.False(r.Verified);
        Assert.Equal(SigningTimeSource.CurrentTime, r.SigningTimeSource);
        Assert.Contains("an entry that does not verify gives none", r.SigningTimeDetail);
        var log = CheckOf(r, VerificationNames.TransparencyLog);
        Assert.Equal(VerificationCheckStatus.Fail, log.Status);
        Assert.Contains("SET does not verify", log.Reason);
        Assert.Equal(OpsErrorCode.KeyNotTrustedAtSigningTime, r.Failure);
    }

    [Fact]
    public async Task A_trusted_rfc3161_timestamp_comes_before_the_integrated_time()
    {
        V1.Log.Clock = new ManualClock(Integrated);
        var logged = await LogTestKit.LoggedBundleAsync(V1, Http, "timestamp-first", timestamped: true);
        var tsaRoot = new TrustedCertificate(X509CertificateLoader.LoadCertificate(V1.Tsa.Chain[^1]), TrustedCertificateRole.Root, "test tsa");

        var r = Verify(logged, TrustedKey.FromPem(logged.KeyPem), certificates: [tsaRoot]);

        Assert.True(r.Verified, r.Message);
        Assert.Equal(SigningTimeSource.Rfc3161Timestamp, r.SigningTimeSource);
        Assert.True(r.SigningTime > Integrated.AddDays(2), $"the TSA's time (now), not the log's three days back: {r.SigningTime:O}");
    }

    /// <summary>
    /// The daemon's record of its own signing comes first: the log integrated the entry three days later (an outage),
    /// and judging the key at that time would refuse what it signed while valid.
    /// </summary>
    [Fact]
    public async Task The_daemons_record_comes_before_a_verified_integrated_time()
    {
        var logged = await LoggedV1Async("before-record");
        var bundle = SignedAttestation.Read(Encoding.UTF8.GetBytes(logged.Json));
        var stored = new SignedAttestation(logged.Envelope, SignedAttestation.DsseFormat, logged.KeyId, logEntries: 1)
        {
            RecordedSigningTime = DateTimeOffset.UtcNow,
            TlogEntries = bundle.TlogEntries,
        };
        var trust = new StaticTrustMaterial([TrustedKey.FromPem(logged.KeyPem)], transparencyLogs: [V1.Trusted(Integrated.AddDays(-10))]);
        using var verifier = new AttestationVerifier(trust, new AttestationVerifierOptions { LogEntryCheck = new BundleLogEntryCheck() });

        var r = verifier.Verify(stored, "stored");

        Assert.True(r.Verified, r.Message);
        Assert.Equal(SigningTimeSource.DaemonRecord, r.SigningTimeSource);
        Assert.Equal(stored.RecordedSigningTime, r.SigningTime);
        Assert.Equal(VerificationCheckStatus.Pass, CheckOf(r, VerificationNames.TransparencyLog).Status);

        // Without the record (the same envelope as an exported bundle), the verified integrated time is the signing time.
        var fromBundle = verifier.Verify(new SignedAttestation(logged.Envelope, SignedAttestation.DsseFormat, logged.KeyId, logEntries: 1) { TlogEntries = bundle.TlogEntries }, "bundle");
        Assert.Equal(SigningTimeSource.TransparencyLog, fromBundle.SigningTimeSource);
        Assert.Equal(Integrated, fromBundle.SigningTime);
    }

    /// <summary>
    /// A v2 entry logs no time: a stored attestation's is judged at the daemon's record of its signing, as the daemon
    /// judged it when it logged it, so a log key rotated out of the trusted root since still vouches for the entry.
    /// </summary>
    [Fact]
    public async Task A_stored_v2_entry_is_judged_at_the_daemons_record_so_a_log_key_rotated_out_since_still_verifies_it()
    {
        var logged = await LogTestKit.LoggedBundleAsync(V2, Http, "v2-rotated-log");
        var bundle = SignedAttestation.Read(Encoding.UTF8.GetBytes(logged.Json));
        var signedAt = DateTimeOffset.UtcNow.AddHours(-2);
        var trust = new StaticTrustMaterial([TrustedKey.FromPem(logged.KeyPem)],
            transparencyLogs: [V2.Trusted(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddHours(-1))]);
        using var verifier = new AttestationVerifier(trust, new AttestationVerifierOptions { LogEntryCheck = new BundleLogEntryCheck() });

        var stored = verifier.Verify(new SignedAttestation(logged.Envelope, SignedAttestation.DsseFormat, logged.KeyId, logEntries: 1)
        {
            RecordedSigningTime = signedAt,
            TlogEntries = bundle.TlogEntries,
        }, "stored");
        Assert.True(stored.Verified, stored.Message);
        Assert.Contains($"log key valid at {signedAt:O}", CheckOf(stored, VerificationNames.TransparencyLog).Reason);

        // The same entry in a bundle with no timestamp has only the current time, after the log key's window.
        var fromBundle = verifier.Verify(bundle, "bundle");
        Assert.False(fromBundle.Verified);
        var log = CheckOf(fromBundle, VerificationNames.TransparencyLog);
        Assert.Equal(VerificationCheckStatus.Fail, log.Status);
        Assert.Contains("was not valid at", log.Reason);
    }

    [Fact]
    public async Task A_v2_entry_is_never_a_time_source()
    {
        var logged = await LogTestKit.LoggedBundleAsync(V2, Http, "v2-no-time");
        Assert.Equal(0, logged.Entry.IntegratedTime);

        var r = Verify(logged, TrustedKey.FromPem(logged.KeyPem), log: V2);

        Assert.True(r.Verified, r.Message);
        Assert.Equal(VerificationCheckStatus.Pass, CheckOf(r, VerificationNames.TransparencyLog).Status);
        Assert.Equal(SigningTimeSource.CurrentTime, r.SigningTimeSource);
        Assert.Contains("Rekor v2 entries carry none", r.SigningTimeDetail);
    }
}

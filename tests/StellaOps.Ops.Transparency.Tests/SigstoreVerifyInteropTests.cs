using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Tests.Support;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestLogServer;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Verification;
using Server = StellaOps.Ops.TestLogServer.TestLogServer;

namespace StellaOps.Ops.Transparency.Tests;

/// <summary>
/// @sigstore/verify 3.1.1 judges the test logs' bundles independently. v1: the whole bundle verifies in it
/// (tests/interop/verify-bundle.mjs, tlog threshold 1) given a trusted root that lists the test log, and in ours; a
/// forged proof fails both. v2: its own checkpoint and Merkle inclusion code (verify-tlog-inclusion.mjs) verifies the
/// entry's inclusion, and fails a forged proof; its body check rejects our hashedrekord 0.0.2 body, pinned below.
/// </summary>
public sealed class SigstoreVerifyInteropTests : TwoTestLogs, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("stellaops-tlog-interop-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>A bundle of the log's entry for a new envelope, after two others (so its proof has hashes to forge).</summary>
    private async Task<LoggedBundle> BundleAsync(Server log, string text, bool forge, bool timestamped = false)
    {
        for (var i = 0; i < 2; i++)
        {
            var (f, fk, fa) = await LogTestKit.SignedAsync($"{text}-filler-{i}");
            await LogTestKit.Client(log, Http).SubmitAsync(new LogSubmissionRequest(f, fk, fa), default);
        }
        log.Faults.ForgeProof = forge;
        try
        {
            return await LogTestKit.LoggedBundleAsync(log, Http, text, timestamped);
        }
        finally
        {
            log.Faults.Clear();
        }
    }

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string TrustedRoot(Server log) => SigstoreTrustFiles.TrustedRoot([log], withTsa: false);

    private Task<(int ExitCode, string Stdout, string Stderr)> SigstoreVerifyAsync(LoggedBundle logged, Server log, params string[] extra)
        => NodeInterop.VerifyBundleAsync(logged.Json, logged.KeyPem, ["--tlogs-from", WriteFile($"root-{Guid.NewGuid():n}.json", TrustedRoot(log)), "--tlogs", "1", .. extra]);

    /// <summary>Our verifier with the bundle's key, the log, and (for v2 bundles) the log's TSA trusted.</summary>
    private static AttestationVerification OursVerify(LoggedBundle logged, Server log)
    {
        var tsaRoot = new TrustedCertificate(X509CertificateLoader.LoadCertificate(log.Tsa.Chain[^1]), TrustedCertificateRole.Root, "test tsa");
        var trust = new StaticTrustMaterial([TrustedKey.FromPem(logged.KeyPem)], [tsaRoot], transparencyLogs: [log.Trusted()]);
        using var verifier = new AttestationVerifier(trust, new AttestationVerifierOptions { LogEntryCheck = new BundleLogEntryCheck() });
        return verifier.Verify(Encoding.UTF8.GetBytes(logged.Json), "bundle", new VerificationPolicy { RequiredLogEntries = 1 });
    }

    [Fact]
    public async Task A_bundle_with_the_test_logs_entry_verifies_in_sigstore_verify_and_in_ours()
    {
        var logged = await BundleAsync(V1, "interop-good", forge: false);
        var (exit, stdout, stderr) = await SigstoreVerifyAsync(logged, V1);
        Assert.True(exit == 0, stdout + stderr);

        var ours = OursVerify(logged, V1);
        Assert.True(ours.Verified, ours.Message);
        Assert.Equal(VerificationCheckStatus.Pass, ours.Checks.Single(c => c.Name == VerificationNames.TransparencyLog).Status);
    }

    [Fact]
    public async Task A_bundle_whose_entry_has_a_forged_proof_fails_in_sigstore_verify_and_in_ours()
    {
        var logged = await BundleAsync(V1, "interop-forged", forge: true);
        var (exit, stdout, stderr) = await SigstoreVerifyAsync(logged, V1);
        Assert.True(exit == 1, stdout + stderr);
        Assert.Contains("TLOG", stderr);

        var ours = OursVerify(logged, V1);
        Assert.False(ours.Verified);
        Assert.Equal(OpsErrorCode.TransparencyLogEntryRejected, ours.Failure);
    }

    [Fact]
    public async Task A_v2_entrys_inclusion_proof_and_signed_checkpoint_verify_in_sigstore_verifys_tlog_code_and_in_ours()
    {
        var logged = await BundleAsync(V2, "interop-v2", forge: false, timestamped: true);
        Assert.NotEmpty(logged.Entry.Proof!.Hashes);

        var (exit, stdout, stderr) = await NodeInterop.VerifyTlogInclusionAsync(logged.Json, TrustedRoot(V2));
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains($"verified: entry {logged.Entry.LogIndex} included in '{V2.Log.Origin}' at size {logged.Entry.Proof.TreeSize}", stdout);

        var ours = OursVerify(logged, V2);
        Assert.True(ours.Verified, ours.Message);
        Assert.Equal(SigningTimeSource.Rfc3161Timestamp, ours.SigningTimeSource);
    }

    [Fact]
    public async Task A_v2_entry_with_a_forged_proof_fails_in_sigstore_verifys_tlog_code_and_in_ours()
    {
        var logged = await BundleAsync(V2, "interop-v2-forged", forge: true, timestamped: true);

        var (exit, stdout, stderr) = await NodeInterop.VerifyTlogInclusionAsync(logged.Json, TrustedRoot(V2));
        Assert.True(exit == 1, stdout + stderr);
        Assert.Contains("TLOG_INCLUSION_PROOF_ERROR", stderr);

        var ours = OursVerify(logged, V2);
        Assert.False(ours.Verified);
        Assert.Equal(OpsErrorCode.TransparencyLogEntryRejected, ours.Failure);
    }

    /// <summary>
    /// A known disagreement, pinned so that a later @sigstore/verify that changes it makes this test fail and tells us.
    /// We log DSSE to Rekor v2 as hashedrekord 0.0.2 over SHA-256 of the DSSE PAE, as the issue prescribes: the v2
    /// server verifies the signature over that digest, and a DSSE signature is over the PAE, so no other digest can
    /// be logged. @sigstore/verify 3.1.1 (dist/tlog/hashedrekord.js, verifyHashedrekord002TLogBody) compares the
    /// body's digest with DSSESignatureContent.compareDigest (dist/bundle/dsse.js), which hashes the DSSE payload, not
    /// the PAE; so the whole-bundle check fails at the body with "digest mismatch" after timestamps and inclusion pass,
    /// while the signature in the body matches. Our verifier accepts the same bundle.
    /// </summary>
    [Fact]
    public async Task Sigstore_verify_rejects_a_v2_hashedrekord_body_over_the_pae_digest_because_it_hashes_the_payload_and_ours_accepts_it()
    {
        var logged = await BundleAsync(V2, "interop-v2-body", forge: false, timestamped: true);
        using var body = JsonDocument.Parse(logged.Entry.CanonicalizedBody);
        var digest = Convert.FromBase64String(body.RootElement.GetProperty("spec").GetProperty("hashedRekordV002").GetProperty("data").GetProperty("digest").GetString()!);
        Assert.Equal(SHA256.HashData(logged.Envelope.PreAuthenticationEncoding()), digest);
        Assert.NotEqual(SHA256.HashData(logged.Envelope.Payload.Span), digest);

        var tsaChain = WriteFile($"tsa-{Guid.NewGuid():n}.pem", string.Concat(V2.Tsa.Chain.Select(der => X509CertificateLoader.LoadCertificate(der).ExportCertificatePem() + "\n")));
        var (exit, stdout, stderr) = await SigstoreVerifyAsync(logged, V2, "--tsa", tsaChain, "--timestamps", "1");
        Assert.True(exit == 1, stdout + stderr);
        Assert.True(stderr.Contains("TLOG_BODY_ERROR: digest mismatch", StringComparison.Ordinal), stderr);

        var ours = OursVerify(logged, V2);
        Assert.True(ours.Verified, ours.Message);
        Assert.Contains("PAE digest, signature and key match", ours.Checks.Single(c => c.Name == VerificationNames.TransparencyLog).Reason);
    }
}

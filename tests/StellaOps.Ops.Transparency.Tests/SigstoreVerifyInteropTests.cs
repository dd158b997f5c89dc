using System.Diagnostics;
using System.Text.Json;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestLogServer;
using StellaOps.Ops.TestSupport;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Verification;
using Server = StellaOps.Ops.TestLogServer.TestLogServer;

namespace StellaOps.Ops.Transparency.Tests;

/// <summary>
/// A bundle carrying the test log's entry verifies in @sigstore/verify (tests/interop/verify-bundle.mjs, tlog
/// threshold 1) given a trusted root that lists the test log, and in our own verifier; a forged proof fails both.
/// </summary>
public sealed class SigstoreVerifyInteropTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private Server _log = null!;
    private DirectoryInfo _dir = null!;

    public async Task InitializeAsync()
    {
        _log = await Server.StartAsync(1);
        _dir = Directory.CreateTempSubdirectory("stellaops-tlog-interop-");
    }

    public async Task DisposeAsync()
    {
        await _log.DisposeAsync();
        _http.Dispose();
        _dir.Delete(recursive: true);
    }

    private sealed class LogTrust(TrustedKey key, TransparencyLogInstance log) : ITrustMaterial
    {
        public IReadOnlyList<TrustedKey> Keys => [key];
        public IReadOnlyList<TrustedCertificate> Certificates => [];
        public IReadOnlyList<TrustedIssuer> Issuers => [];
        public IReadOnlyList<TransparencyLogInstance> TransparencyLogs => [log];
    }

    private async Task<(string Bundle, string KeyPem, string KeyId, StellaOps.Ops.Attestation.Dsse.DsseEnvelope Envelope, byte[] Spki)> BundleAsync(string text, bool forge)
    {
        for (var i = 0; i < 2; i++)
        {
            var (f, fk, fa) = await LogTestKit.SignedAsync($"{text}-filler-{i}");
            await LogTestKit.Client(_log, _http).SubmitAsync(new LogSubmissionRequest(f, fk, fa), default);
        }
        var (envelope, spki, algorithm) = await LogTestKit.SignedAsync(text);
        _log.Faults.ForgeProof = forge;
        var entry = (await LogTestKit.Client(_log, _http).SubmitAsync(new LogSubmissionRequest(envelope, spki, algorithm), default)).Entry;
        _log.Faults.Clear();
        using var doc = JsonDocument.Parse(entry.ToJsonBytes());
        var keyId = KeyIds.FromSpki(spki);
        var bundle = SigstoreBundle.FromEnvelope(envelope, keyId).WithLogEvidence([doc.RootElement], []).ToJson();
        return (bundle, PublicKeyPem.Encode(spki), keyId, envelope, spki);
    }

    private (int Exit, string Output) SigstoreVerify(string bundle, string keyPem)
    {
        var bundlePath = Path.Combine(_dir.FullName, Guid.NewGuid() + ".json");
        var keyPath = Path.Combine(_dir.FullName, Guid.NewGuid() + ".pem");
        var rootPath = Path.Combine(_dir.FullName, "trusted_root.json");
        File.WriteAllText(bundlePath, bundle);
        File.WriteAllText(keyPath, keyPem);
        File.WriteAllText(rootPath, SigstoreTrustFiles.TrustedRoot([_log], withTsa: false));
        var interop = Path.Combine(RepositoryRoot.Path, "tests", "interop");
        Assert.True(File.Exists(Path.Combine(interop, "node_modules", "@sigstore", "verify", "package.json")), "tests/interop/node_modules is missing: run build.ps1 bootstrap");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = interop, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "verify-bundle.mjs", bundlePath, keyPath, "--tlogs-from", rootPath, "--tlogs", "1" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public async Task A_bundle_with_the_test_logs_entry_verifies_in_sigstore_verify_and_in_ours()
    {
        var (bundle, pem, _, _, spki) = await BundleAsync("interop-good", forge: false);
        var (exit, output) = SigstoreVerify(bundle, pem);
        Assert.True(exit == 0, output);

        using var verifier = new AttestationVerifier(new LogTrust(TrustedKey.FromPem(pem), _log.Trusted()), new AttestationVerifierOptions { LogEntryCheck = new BundleLogEntryCheck() });
        var ours = verifier.Verify(System.Text.Encoding.UTF8.GetBytes(bundle), "bundle", new VerificationPolicy { RequiredLogEntries = 1 });
        Assert.True(ours.Verified, ours.Message);
        Assert.Equal(VerificationCheckStatus.Pass, ours.Checks.Single(c => c.Name == VerificationNames.TransparencyLog).Status);
        Assert.NotEmpty(spki);
    }

    [Fact]
    public async Task A_bundle_whose_entry_has_a_forged_proof_fails_in_sigstore_verify_and_in_ours()
    {
        var (bundle, pem, _, _, _) = await BundleAsync("interop-forged", forge: true);
        var (exit, output) = SigstoreVerify(bundle, pem);
        Assert.True(exit == 1, output);
        Assert.Contains("TLOG", output);

        using var verifier = new AttestationVerifier(new LogTrust(TrustedKey.FromPem(pem), _log.Trusted()), new AttestationVerifierOptions { LogEntryCheck = new BundleLogEntryCheck() });
        var ours = verifier.Verify(System.Text.Encoding.UTF8.GetBytes(bundle), "bundle");
        Assert.False(ours.Verified);
        Assert.Equal(StellaOps.Ops.Contracts.OpsErrorCode.TransparencyLogEntryRejected, ours.Failure);
    }
}

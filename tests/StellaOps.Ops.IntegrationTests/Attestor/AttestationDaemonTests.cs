using Microsoft.Data.Sqlite;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Tests.Support;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using static StellaOps.Ops.IntegrationTests.Attestor.AttestorTestHost;

namespace StellaOps.Ops.IntegrationTests.Attestor;

/// <summary>The attestor against the real daemon with software keys: create, look up, export, check, re-sign, bad input.</summary>
public sealed class AttestationDaemonTests : IAsyncLifetime
{
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await DaemonProcess.StartNewAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.EcdsaP384)]
    [InlineData(KeyAlgorithm.Rsa3072)]
    [InlineData(KeyAlgorithm.Ed25519)]
    public async Task Every_envelope_verifies_in_independent_implementations_and_a_tampered_payload_fails_there(KeyAlgorithm algorithm)
    {
        await using var client = await _daemon.ConnectAsync();
        var key = await ActiveSoftwareKeyAsync(client, algorithm);
        var pem = (await client.Keys.GetPublicKeyAsync(key.Id, CancellationToken.None)).Pem;

        // The runbook's verification line: stella attest create --type test --subject "test:verification"
        var created = await CreateOneAsync(client, Request("test:verification", force: true));
        Assert.Null(created.Error);
        var a = created.Attestation!;
        Assert.Equal(AttestationStatus.Signed, a.Status);
        Assert.Equal(key.Id, a.KeyId);
        Assert.Equal(algorithm, a.Algorithm);
        Assert.Equal(PredicateTypes.Test, a.PredicateType);

        var bundle = await client.Attest.ExportAsync(a.Id, AttestationExportFormat.SigstoreBundle, CancellationToken.None);
        var dsse = await client.Attest.ExportAsync(a.Id, AttestationExportFormat.Dsse, CancellationToken.None);
        Assert.Equal(SigstoreBundle.MediaTypeV03, bundle.MediaType);
        Assert.EndsWith(".sigstore.json", bundle.SuggestedFileName);
        var envelope = DsseEnvelope.Parse(dsse.Content);
        Assert.Equal(key.Id, envelope.Signatures.Single().KeyId);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(envelope.Payload.Span)), a.StatementDigest);
        var tampered = TamperOneByte(envelope);

        // WebCrypto: every algorithm, with the curve's own hash.
        var web = await NodeInterop.VerifyDsseWebCryptoAsync(dsse.Content, pem);
        Assert.True(web.ExitCode == 0, $"WebCrypto rejected a {algorithm} envelope: {web.Stderr}{web.Stdout}");
        var webTampered = await NodeInterop.VerifyDsseWebCryptoAsync(tampered.ToJson(), pem);
        Assert.Equal(1, webTampered.ExitCode);

        // @sigstore/verify: the bundle as exported. 3.1.1 hashes every ECDSA signature with SHA-256, so it rejects
        // P-384/SHA-384 (see tests/interop/README.md); the standard pairing is kept and WebCrypto covers P-384.
        var npm = await NodeInterop.VerifyBundleAsync(bundle.Content, pem);
        var npmTampered = await NodeInterop.VerifyBundleAsync(SigstoreBundle.FromEnvelope(tampered, key.Id).ToJson(), pem);
        Assert.Equal(1, npmTampered.ExitCode);
        Assert.Contains("SIGNATURE_ERROR", npmTampered.Stderr);
        if (algorithm == KeyAlgorithm.EcdsaP384)
            Assert.Equal(1, npm.ExitCode);
        else
        {
            Assert.True(npm.ExitCode == 0, $"@sigstore/verify rejected a {algorithm} bundle from the daemon: {npm.Stderr}{npm.Stdout}");
            Assert.Contains(key.Id, npm.Stdout);
        }

        var integrity = Assert.Single(await client.Attest.CheckIntegrityAsync([a.Id], CancellationToken.None));
        Assert.True(integrity.Intact, string.Join("; ", integrity.Checks.Select(c => $"{c.Name}: {c.Message}")));
    }

    [Fact]
    public async Task Without_force_the_existing_attestation_comes_back_and_force_makes_a_new_one()
    {
        await using var client = await _daemon.ConnectAsync();
        await ActiveSoftwareKeyAsync(client);
        var subject = "registry.example/app@sha256:" + new string('a', 64);
        var first = (await CreateOneAsync(client, Request(subject, "provenance"))).Attestation!;
        Assert.Equal("provenance", first.Type);
        Assert.Equal(PredicateTypes.SlsaProvenance, first.PredicateType);

        var again = await CreateOneAsync(client, Request(subject, "provenance"));
        Assert.True(again.Existing);
        Assert.Equal(first.Id, again.Attestation!.Id);
        // Another type for the same subject is a different attestation.
        Assert.False((await CreateOneAsync(client, Request(subject, "sbom"))).Existing);
        // The same subject twice in one batch: recorded once.
        var batch = await client.Attest.CreateAsync([Request("sha256:" + new string('b', 64)), Request("sha256:" + new string('b', 64))], null, CancellationToken.None);
        Assert.Equal(batch[0].Attestation!.Id, batch[1].Attestation!.Id);
        Assert.True(batch[1].Existing);

        var forced = await CreateOneAsync(client, Request(subject, "provenance", force: true));
        Assert.False(forced.Existing);
        Assert.NotEqual(first.Id, forced.Attestation!.Id);
        var bySubject = await client.Attest.ListAsync(new AttestationQuery { Subject = "sha256:" + new string('a', 64), Type = "provenance" }, CancellationToken.None);
        Assert.Equal([forced.Attestation.Id, first.Id], bySubject.Select(x => x.Id));
        var byName = await client.Attest.ListAsync(new AttestationQuery { Subject = "registry.example/*", Status = AttestationStatus.Signed }, CancellationToken.None);
        Assert.Equal(3, byName.Length);
        // A unique id prefix finds it; the full record carries statement, envelope and history.
        var shown = await client.Attest.GetAsync(forced.Attestation.Id[..30], CancellationToken.None);
        Assert.Equal(forced.Attestation.Id, shown.Id);
        Assert.Contains("\"predicateType\":\"https://slsa.dev/provenance/v1\"", shown.Statement);
        Assert.NotNull(shown.Envelope);
        Assert.Equal(["created", "signed"], shown.History!.Select(h => h.Event));
    }

    [Fact]
    public async Task Bad_requests_get_clear_errors_per_item_and_the_rest_of_the_batch_is_signed()
    {
        await using var client = await _daemon.ConnectAsync();
        await ActiveSoftwareKeyAsync(client);
        var results = await client.Attest.CreateAsync(
        [
            Request("test:one", type: "provenanse"),
            new AttestationRequest { Type = "test", Subjects = [new AttestationSubject { Name = "x", Digest = new Dictionary<string, string> { ["sha256"] = "ABC" } }] },
            new AttestationRequest { Type = "test", Subjects = [] },
            Request("test:two", predicate: "[1,2]"),
            Request("test:three", predicate: "{not json"),
            Request("test:good", predicate: """{"run":42}"""),
        ], null, CancellationToken.None);

        Assert.All(results.Take(5), r => Assert.Equal(OpsErrorCode.InvalidArgument, r.Error!.Code));
        Assert.All(results.Take(5), r => Assert.Null(r.Attestation));
        Assert.Contains("Did you mean 'provenance'", results[0].Error!.Message);
        Assert.Contains("test, provenance, sbom", results[0].Error!.RecommendedAction);
        Assert.Contains("64 lowercase hex", results[1].Error!.Message);
        Assert.Contains("at least one subject", results[2].Error!.Message);
        Assert.Contains("JSON object", results[3].Error!.Message);
        Assert.Contains("not valid JSON", results[4].Error!.Message);
        Assert.Equal(AttestationStatus.Signed, results[5].Attestation!.Status);
        Assert.Contains("\"predicate\":{\"run\":42}", (await client.Attest.GetAsync(results[5].Attestation!.Id, CancellationToken.None)).Statement);

        var missing = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => client.Attest.GetAsync("0000000000", CancellationToken.None)));
        Assert.Equal(OpsErrorCode.AttestationNotFound, missing.Code);
        var noWhat = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => client.Attest.RetryAsync(new AttestationRetryRequest(), null, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.InvalidArgument, noWhat.Code);
        // Still serving.
        Assert.True((await client.Attest.TestSigningAsync(CancellationToken.None)).Success);
    }

    [Fact]
    public async Task Integrity_check_finds_evidence_changed_in_the_database_and_resign_keeps_the_old_envelope()
    {
        await using var client = await _daemon.ConnectAsync();
        var oldKey = await ActiveSoftwareKeyAsync(client);
        var a = (await CreateOneAsync(client, Request("test:integrity", force: true))).Attestation!;
        var other = (await CreateOneAsync(client, Request("test:untouched", force: true))).Attestation!;

        // Re-sign with a new key: the new envelope verifies, the old one is kept in the envelope history.
        var newKey = await ActiveSoftwareKeyAsync(client, KeyAlgorithm.EcdsaP384);
        var resigned = Assert.Single(await client.Attest.RetryAsync(new AttestationRetryRequest { Ids = [a.Id], Resign = true }, null, CancellationToken.None));
        Assert.Null(resigned.Error);
        Assert.Equal(newKey.Id, resigned.Attestation!.KeyId);
        var history = (await client.Attest.GetAsync(a.Id, CancellationToken.None)).History!;
        Assert.Equal(["created", "signed", "resigned"], history.Select(h => h.Event));
        Assert.Equal(oldKey.Id, history[1].KeyId);
        // Without -Resign a signed attestation is left alone, and says how to re-sign it.
        var notAgain = Assert.Single(await client.Attest.RetryAsync(new AttestationRetryRequest { Ids = [a.Id] }, null, CancellationToken.None));
        Assert.Equal(OpsErrorCode.Conflict, notAgain.Error!.Code);
        Assert.Contains("stella attest resign", notAgain.Error.RecommendedAction);

        Assert.True(Assert.Single(await client.Attest.CheckIntegrityAsync([a.Id], CancellationToken.None)).Intact);
        await using (var db = new SqliteConnection($"Data Source={_daemon.DatabasePath}"))
        {
            await db.OpenAsync();
            await using var kept = db.CreateCommand();
            kept.CommandText = "SELECT key_id FROM attestation_envelopes WHERE attestation_id = $id;";
            kept.Parameters.AddWithValue("$id", a.Id);
            Assert.Equal(oldKey.Id, await kept.ExecuteScalarAsync());
            // Someone edits the evidence behind the daemon's back.
            await using var edit = db.CreateCommand();
            edit.CommandText = "UPDATE attestations SET statement = CAST(replace(CAST(statement AS TEXT), 'test:integrity', 'test:integritY') AS BLOB) WHERE id = $id;";
            edit.Parameters.AddWithValue("$id", a.Id);
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }
        var results = await client.Attest.CheckIntegrityAsync([a.Id, other.Id], CancellationToken.None);
        Assert.False(results[0].Intact);
        Assert.False(results[0].Checks.Single(c => c.Name == "statement-digest").Passed);
        Assert.False(results[0].Checks.Single(c => c.Name == "envelope-payload").Passed);
        Assert.True(results[1].Intact);
    }

    [Fact]
    public async Task Test_signing_names_each_step_and_status_shows_the_mode_key_and_counts()
    {
        await using var client = await _daemon.ConnectAsync();
        var none = await client.Attest.TestSigningAsync(CancellationToken.None);
        Assert.False(none.Success);
        Assert.Equal("resolve-key", Assert.Single(none.Steps).Name);
        Assert.Equal(OpsErrorCode.NoActiveKey, none.Error!.Code);
        Assert.Contains("stella keys generate", none.Error.RecommendedAction);

        var key = await ActiveSoftwareKeyAsync(client);
        var ok = await client.Attest.TestSigningAsync(CancellationToken.None);
        Assert.True(ok.Success);
        Assert.Equal(["resolve-key", "key-valid", "build-statement", "sign", "verify"], ok.Steps.Select(s => s.Name));
        Assert.Equal(key.Id, ok.KeyId);
        Assert.Empty(await AllAsync(client)); // a test signature stores nothing

        await CreateOneAsync(client, Request("test:status"));
        var status = await client.Attest.GetStatusAsync(CancellationToken.None);
        Assert.Equal("hsm", status.SigningMode); // the default; no HSM configured, so software keys sign
        Assert.Equal(key.Id, status.SigningKey!.Id);
        Assert.Null(status.KeyProblem);
        Assert.Equal(1, status.Signed);
        Assert.NotNull(status.LastSignedAt);
        Assert.True(status.Daemon.ProcessId > 0);

        var doctor = Assert.Single(await client.Doctor.RunAsync(["check.attestor.signing-health"], null, CancellationToken.None));
        Assert.Equal(DoctorStatus.Pass, doctor.Status);
        Assert.Equal("0", doctor.Evidence["failures"]);
    }

    [Fact]
    public async Task Switching_to_software_signing_warns_on_reload_with_who_set_it()
    {
        await using var client = await _daemon.ConnectAsync();
        var set = await client.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);
        Assert.Contains("compliance", set.Warning);
        await client.System.ReloadAsync(CancellationToken.None);
        var warning = await WaitForLogAsync(client, "Attestor signing mode is software", LogLevel.Warning, TimeSpan.FromSeconds(10));
        var line = Assert.Single(warning).Message;
        Assert.Contains("compliance", line);
        Assert.Contains($"pid {Environment.ProcessId}", line);
        Assert.Equal("software", (await client.Attest.GetStatusAsync(CancellationToken.None)).SigningMode);
    }

    private static DsseEnvelope TamperOneByte(DsseEnvelope envelope)
    {
        var payload = envelope.Payload.ToArray();
        var i = Array.IndexOf(payload, (byte)'v'); // inside "test:verification"
        payload[i] = (byte)'V';
        return new DsseEnvelope(envelope.PayloadType, payload, envelope.Signatures);
    }
}

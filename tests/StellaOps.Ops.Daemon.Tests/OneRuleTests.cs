using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Attestor;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Signing;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// Issue 10 items 1, 4 and 7 on the real SQLite store: one "may this key sign now?" answer and one owner of
/// attest.signing.* behind every entry point, each statement stored once, and a stored failure's code in its column.
/// </summary>
public sealed class OneRuleTests : IDisposable
{
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly DaemonCore _core;
    private readonly AttestationStore _store;

    public OneRuleTests()
    {
        _core = new DaemonCore(_time);
        _store = new AttestationStore(_core.State);
    }

    public void Dispose() => _core.Dispose();

    private AttestorService NewAttestor() => new(_store, _core.Signer, _core.Selection, _time, NullLogger<AttestorService>.Instance);

    private SigningRpc NewSigning() => new(_core.Keys, _core.Selection, _core.Signer, NullLogger<SigningRpc>.Instance);

    private static AttestationRequest Request(string subject)
    {
        var s = SubjectFactory.Parse(subject);
        return new AttestationRequest { Type = "test", Subjects = [new AttestationSubject { Name = s.Name, Digest = new Dictionary<string, string>(s.Digest) }], Force = true };
    }

    private Task<KeyInfo> GenerateAsync(string name, string validity) =>
        _core.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software, Name = name, Validity = Duration.Parse(validity) }, default);

    [Fact]
    public async Task An_expired_key_is_refused_with_the_same_words_and_the_backup_key_by_every_entry_point()
    {
        var expiring = await GenerateAsync("expiring", "1d");
        var backup = await GenerateAsync("backup", "365d");
        _time.Advance(TimeSpan.FromDays(2));

        var raw = Assert.Single(await NewSigning().SignAsync([new SignRequest { Data = "x"u8.ToArray() }], default)).Error!;
        var attested = Assert.Single(await NewAttestor().CreateAsync([Request("test:expired")], null, default));
        var status = _core.Selection.Check().Problem!;
        var probe = (await new SigningProbe(_core.Keys, _core.Selection, _core.Usability).RunAsync(default)).Error!;
        var activate = await Assert.ThrowsAsync<OpsException>(() => _core.Keys.ActivateAsync(expiring.Id, "test", default));

        foreach (var error in new[] { raw, attested.Attestation!.Failure!, OpsError.From(status), probe })
        {
            Assert.Equal(OpsErrorCode.KeyExpired, error.Code);
            Assert.Contains($"'stella keys activate {backup.Id}'", error.RecommendedAction);
            Assert.Contains("key expired, it no longer signs", error.Message);
        }
        Assert.Equal(raw.Message, attested.Attestation.Failure!.Message);
        Assert.Equal(raw.Message, status.Message);
        Assert.Equal(raw.Message, probe.Message);
        Assert.Equal(OpsErrorCode.KeyExpired, activate.Code);
        Assert.Contains(backup.Id, activate.RecommendedAction);
        // The attestor's answer says the evidence is kept and how to sign it, around the same cause.
        Assert.Contains("recorded but unsigned", attested.Error!.Message);
        Assert.Contains(raw.Message, attested.Error.Message);
        Assert.Contains("stella attest retry --failed", attested.Error.RecommendedAction);
    }

    [Fact]
    public async Task The_key_attest_signing_key_id_names_signs_for_every_entry_point()
    {
        var first = await GenerateAsync("first", "365d");
        var named = await GenerateAsync("named", "365d");
        Assert.Equal(first.Id, _core.Selection.Resolve().Id);
        _core.Settings.Set(SigningKeySelection.KeyIdSetting, named.Id, null);

        Assert.Equal(named.Id, (await NewSigning().GetKeyAsync(null, default)).Id);
        Assert.Equal(named.Id, Assert.Single(await NewSigning().SignAsync([new SignRequest { Data = "x"u8.ToArray() }], default)).KeyId);
        Assert.Equal(named.Id, Assert.Single(await NewAttestor().CreateAsync([Request("test:named")], null, default)).Attestation!.KeyId);
        Assert.Equal(named.Id, (await new SigningProbe(_core.Keys, _core.Selection, _core.Usability).RunAsync(default)).KeyId);
        Assert.Equal(named.Id, _core.Selection.Check().Key!.Id);

        // A rotation of the named key moves the setting to the replacement; reload activates what the setting names.
        var rotated = await _core.Keys.RotateAsync(named.Id, "test", default);
        Assert.Equal(rotated.Replacement.Id, _core.Selection.ConfiguredKeyId);
        Assert.Equal(rotated.Replacement.Id, (await NewSigning().GetKeyAsync(null, default)).Id);
    }

    [Fact]
    public async Task A_signed_statement_is_stored_once_and_its_envelope_is_the_statement_with_its_signature()
    {
        await GenerateAsync("key", "365d");
        var attestor = NewAttestor();
        var a = Assert.Single(await attestor.CreateAsync([Request("test:once")], null, default)).Attestation!;
        var row = _store.Find(a.Id)!;
        Assert.NotNull(row.Signature);
        Assert.Null(row.LegacyEnvelope);
        var envelope = row.SignedEnvelope()!;
        Assert.Equal(row.Statement, envelope.Payload.ToArray());
        Assert.Equal(envelope.ToJson(), attestor.Get(a.Id).Envelope);

        using (var db = new SqliteConnection($"Data Source={_core.State.DatabasePath}"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT envelope IS NULL, length(signature) FROM attestations WHERE id = $id;";
            cmd.Parameters.AddWithValue("$id", a.Id);
            using var r = cmd.ExecuteReader();
            Assert.True(r.Read());
            Assert.Equal(1L, r.GetInt64(0));
            Assert.InRange(r.GetInt64(1), 64, 80);
            r.Close();
            // A row signed before schema 5 keeps its whole envelope, and still reads and verifies.
            cmd.CommandText = "UPDATE attestations SET envelope = $env, signature = NULL WHERE id = $id;";
            cmd.Parameters.AddWithValue("$env", envelope.ToJsonBytes());
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }
        Assert.Equal(envelope.ToJson(), attestor.Get(a.Id).Envelope);
        Assert.True(new AttestationInspector(attestor, _store, _core.Keys).Check(_store.Find(a.Id)!).Intact);
    }

    [Fact]
    public async Task A_stored_failure_keeps_its_code_and_advice_in_their_own_columns()
    {
        var failed = Assert.Single(await NewAttestor().CreateAsync([Request("test:no-key")], null, default)).Attestation!;
        Assert.Equal(OpsErrorCode.NoActiveKey, failed.Failure!.Code);
        Assert.Contains("stella keys generate", failed.Failure.RecommendedAction);

        var last = _store.LastFailure()!;
        Assert.Equal(failed.Id, last.AttestationId);
        Assert.Equal(OpsErrorCode.NoActiveKey, last.Error.Code);
        Assert.Equal(failed.Failure.Message, last.Error.Message);
        Assert.Equal(failed.Failure.RecommendedAction, last.Error.RecommendedAction);
        var stored = _store.Find(failed.Id)!.ToInfo();
        Assert.Equal(failed.Failure, stored.Failure);
        var ev = Assert.Single(_store.History(failed.Id), e => e.Event == "sign-failed");
        Assert.Equal(OpsErrorCode.NoActiveKey, ev.Error!.Code);
        Assert.Equal(failed.Failure.Message, ev.Detail); // the detail is the message; the code is not parsed out of it

        using var db = new SqliteConnection($"Data Source={_core.State.DatabasePath}");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT error_code FROM attestation_events WHERE attestation_id = $id AND event = 'sign-failed';";
        cmd.Parameters.AddWithValue("$id", failed.Id);
        Assert.Equal(nameof(OpsErrorCode.NoActiveKey), cmd.ExecuteScalar());
    }
}

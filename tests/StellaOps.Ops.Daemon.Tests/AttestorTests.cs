using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Attestor;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>The attestor's own logic on the real SQLite store and key service, with the clock injected.</summary>
public sealed class AttestorTests : IDisposable
{
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly DaemonCore _core;
    private readonly KeyService _keys;
    private readonly SettingsService _settings;
    private readonly AttestationStore _store;

    public AttestorTests()
    {
        _core = new DaemonCore(_time);
        _settings = _core.Settings;
        _keys = _core.Keys;
        _store = new AttestationStore(_core.State);
    }

    private AttestorService NewAttestor() => new(_store, _core.Signer, _core.Selection, _time, NullLogger<AttestorService>.Instance);

    private static AttestationRequest Request(string subject, bool force = true)
    {
        var s = SubjectFactory.Parse(subject);
        return new AttestationRequest { Type = "test", Subjects = [new AttestationSubject { Name = s.Name, Digest = new Dictionary<string, string>(s.Digest) }], Force = force };
    }

    private async Task<KeyInfo> ActiveKeyAsync()
    {
        var key = await _keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software, Validity = Duration.Parse("365d") }, default);
        return await _keys.ActivateAsync(key.Id, "test", default);
    }

    [Fact]
    public void The_stored_statement_is_the_exact_payload_and_its_digest_and_the_test_subject_hashes_its_name()
    {
        var record = StatementBuilder.Build(Request("test:verification"), _time.GetUtcNow(), "tester");
        var statement = InTotoStatement.Parse(record.Statement);
        Assert.Equal(PredicateTypes.Test, statement.PredicateType);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("test:verification"u8)), statement.Subjects[0].Digest["sha256"]);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(record.Statement)), record.StatementDigest);
        Assert.Equal(record.Statement, statement.ToJsonBytes()); // canonical: what is stored is what a re-serialization gives
        // UUIDv7: ids sort by creation time.
        var later = StatementBuilder.Build(Request("test:verification"), _time.GetUtcNow().AddMilliseconds(5), "tester");
        Assert.True(string.CompareOrdinal(record.Id, later.Id) < 0);
    }

    [Fact]
    public async Task Rows_a_killed_process_left_claimed_are_released_at_start_and_signed_once_by_retry()
    {
        await ActiveKeyAsync();
        var records = Enumerable.Range(0, 5).Select(i => new AttestationStore.NewAttestation(StatementBuilder.Build(Request($"test:orphan-{i}"), _time.GetUtcNow(), "tester"), true)).ToList();
        _store.Insert(records, instance: "a-process-that-died", actor: "tester");

        var attestor = NewAttestor();
        // Still claimed by the dead process: not retryable yet.
        Assert.Empty(await attestor.RetryAsync(new AttestationRetryRequest { Failed = true }, null, default));
        attestor.RecoverInterrupted();
        var retried = await attestor.RetryAsync(new AttestationRetryRequest { Failed = true }, null, default);
        Assert.Equal(5, retried.Length);
        Assert.All(retried, r => Assert.Equal(AttestationStatus.Signed, r.Attestation!.Status));
        Assert.All(records, r => Assert.Equal(["created", "interrupted", "signed"], _store.History(r.Record.Id).Select(e => e.Event)));
        Assert.Empty(await attestor.RetryAsync(new AttestationRetryRequest { Failed = true }, null, default));
    }

    [Fact]
    public async Task Retry_of_failed_attestations_answers_one_batch_at_a_time_and_goes_on_after_the_last_id()
    {
        var attestor = NewAttestor();
        var total = Protocol.MaxBatchItems * 2 + 7;
        var created = await attestor.CreateAsync([.. Enumerable.Range(0, total).Select(i => Request($"test:backlog-{i}"))], null, default);
        Assert.All(created, r => Assert.Equal(OpsErrorCode.NoActiveKey, r.Error!.Code));

        // Still no key: each call takes one batch, and a row that fails again is not taken twice by one walk.
        var seen = new List<string>();
        string? after = null;
        int[] sizes = [Protocol.MaxBatchItems, Protocol.MaxBatchItems, 7, 0];
        foreach (var size in sizes)
        {
            var batch = await attestor.RetryAsync(new AttestationRetryRequest { Failed = true, AfterId = after }, null, default);
            Assert.Equal(size, batch.Length);
            Assert.All(batch, r => Assert.True(after is null || string.CompareOrdinal(r.Attestation!.Id, after) > 0));
            seen.AddRange(batch.Select(r => r.Attestation!.Id));
            after = batch.Length > 0 ? batch[^1].Attestation!.Id : after;
        }
        Assert.Equal(total, seen.Distinct().Count());

        // With a key, the same walk from the start signs every one exactly once.
        await ActiveKeyAsync();
        after = null;
        var signed = 0;
        while (true)
        {
            var batch = await attestor.RetryAsync(new AttestationRetryRequest { Failed = true, AfterId = after }, null, default);
            Assert.True(batch.Length <= Protocol.MaxBatchItems);
            Assert.All(batch, r => Assert.Equal(AttestationStatus.Signed, r.Attestation!.Status));
            signed += batch.Length;
            if (batch.Length < Protocol.MaxBatchItems) break;
            after = batch[^1].Attestation!.Id;
        }
        Assert.Equal(total, signed);
        Assert.Empty(await attestor.RetryAsync(new AttestationRetryRequest { Failed = true }, null, default));
    }

    [Fact]
    public async Task Two_daemons_retrying_the_same_failed_rows_never_sign_one_twice()
    {
        var failing = NewAttestor();
        var created = await failing.CreateAsync([.. Enumerable.Range(0, 200).Select(i => Request($"test:race-{i}"))], null, default);
        Assert.All(created, r => Assert.Equal(OpsErrorCode.NoActiveKey, r.Error!.Code));
        Assert.Equal(200, failing.SigningFailuresTotal);
        await ActiveKeyAsync();

        var (a, b) = (NewAttestor(), NewAttestor());
        var both = await Task.WhenAll(
            Task.Run(() => a.RetryAsync(new AttestationRetryRequest { Failed = true }, null, default)),
            Task.Run(() => b.RetryAsync(new AttestationRetryRequest { Failed = true }, null, default)));
        var ids = both.SelectMany(r => r).Select(r => r.Attestation!.Id).ToList();
        Assert.Equal(200, ids.Count);
        Assert.Equal(200, ids.Distinct().Count());
        Assert.All(created, r => Assert.Single(_store.History(r.Attestation!.Id), e => e.Event == "signed"));
    }

    [Fact]
    public async Task Signing_health_follows_the_failure_rate_of_the_last_hour_against_seed_004_thresholds()
    {
        var attestor = NewAttestor();
        var check = new SigningHealthCheck(new SigningProbe(_keys, _core.Selection, _core.Usability), _store, _time);
        Assert.Equal(DoctorStatus.Fail, (await check.RunAsync(default)).Status); // no key at all

        await attestor.CreateAsync([.. Enumerable.Range(0, 5).Select(i => Request($"test:f-{i}"))], null, default); // fail: no key
        var key = await ActiveKeyAsync();
        await attestor.CreateAsync([.. Enumerable.Range(0, 95).Select(i => Request($"test:s-{i}"))], null, default);
        var fivePercent = await check.RunAsync(default);
        Assert.Equal((DoctorStatus.Pass, "5", "100"), (fivePercent.Status, fivePercent.Evidence["failures"], fivePercent.Evidence["attempts"])); // not above 5 %

        await attestor.CreateAsync([Request("test:one-more-signed")], null, default);
        await _keys.RevokeAsync(key.Id, "compromised in the test", default);
        await attestor.CreateAsync([.. Enumerable.Range(0, 19).Select(i => Request($"test:r-{i}"))], null, default);
        await ActiveKeyAsync();
        _time.Advance(TimeSpan.FromMinutes(1));
        var warn = await check.RunAsync(default);
        Assert.Equal(DoctorStatus.Warn, warn.Status); // 24 of 120 = 20 %: warning, not yet critical
        Assert.Contains("stella attest retry --failed --last 1h", warn.Remediation);

        await attestor.CreateAsync([.. Enumerable.Range(0, 1).Select(i => Request($"test:x-{i}"))], null, default);
        await _keys.RevokeAsync(_core.Selection.Resolve().Id, "again", default);
        await attestor.CreateAsync([Request("test:critical")], null, default);
        await ActiveKeyAsync();
        Assert.Equal(DoctorStatus.Fail, (await check.RunAsync(default)).Status); // 25 of 122 > 20 %

        // An hour later the window is clean again, while the failed attestations wait for a retry.
        _time.Advance(TimeSpan.FromMinutes(61));
        var later = await check.RunAsync(default);
        Assert.Equal(DoctorStatus.Pass, later.Status);
        Assert.Equal("25", later.Evidence["failedAttestations"]);
    }

    [Fact]
    public async Task Many_ids_are_found_in_one_pass_in_their_order_each_as_ResolveId_takes_it()
    {
        await ActiveKeyAsync();
        var attestor = NewAttestor();
        var ids = (await attestor.CreateAsync([.. Enumerable.Range(0, 4).Select(i => Request($"test:find-{i}"))], null, default)).Select(r => r.Attestation!.Id).ToList();

        // Exact ids, one in capitals with spaces, a unique prefix, and a repeat: the rows come back in the order asked.
        var found = attestor.FindAll([ids[2], $"  {ids[0].ToUpperInvariant()} ", ids[3][..30], ids[2]]);
        Assert.Equal([ids[2], ids[0], ids[3], ids[2]], found.Select(r => r.Id));
        Assert.All(found, r => Assert.Equal(AttestationStatus.Signed, r.Status));

        // An id that names nothing fails the call as ResolveId fails it, whatever good ids stand before it.
        var missing = "ffffffff" + ids[1][8..]; // UUIDv7: no id of today starts with f
        var error = Assert.Throws<OpsException>(() => attestor.FindAll([ids[0], missing, ids[1]]));
        Assert.Equal((OpsErrorCode.AttestationNotFound, missing), (error.Code, error.Target));
        Assert.Equal(OpsErrorCode.InvalidArgument, Assert.Throws<OpsException>(() => attestor.FindAll([ids[0], " "])).Code);

        // FindEach (verify.Verify's one pass): the same rows, and each id that names nothing is its own error in its place.
        var each = attestor.FindEach([ids[1], missing, ids[3][..30], " ", ids[0]]);
        Assert.Equal([ids[1], null, ids[3], null, ids[0]], each.Select(f => f.Row?.Id));
        Assert.Equal([null, OpsErrorCode.AttestationNotFound, null, OpsErrorCode.InvalidArgument, null], each.Select(f => f.Error?.Code));
        Assert.Equal(missing, each[1].Error!.Target);
    }

    [Fact]
    public void One_batch_answers_each_item_as_asking_for_it_alone_would_and_reads_the_store_once_for_the_lot()
    {
        // Stored before the batch: a signed attestation (a), a failed one (b), and one of two subjects (c, d).
        AttestationRecord Build(string subject, string type = "test", params string[] more)
        {
            var request = Request(subject, force: false);
            var subjects = request.Subjects.Concat(more.Select(m => { var s = SubjectFactory.Parse(m); return new AttestationSubject { Name = s.Name, Digest = new Dictionary<string, string>(s.Digest) }; }));
            return StatementBuilder.Build(request with { Type = type, Subjects = [.. subjects] }, _time.GetUtcNow(), "tester");
        }
        var signed = Build("test:a");
        var failed = Build("test:b");
        var pair = Build("test:c", "test", "test:d");
        _store.Insert([new(signed, true), new(failed, true), new(pair, true)], "me", "tester");
        _store.Complete([
            new SigningOutcome(signed.Id, new byte[64], "key-1", KeyAlgorithm.EcdsaP256, null, false),
            new SigningOutcome(failed.Id, null, "key-1", KeyAlgorithm.EcdsaP256, new OpsError { Code = OpsErrorCode.NoActiveKey, Message = "no key" }, false),
            new SigningOutcome(pair.Id, new byte[64], "key-1", KeyAlgorithm.EcdsaP256, null, false)], "me", "tester", _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(1));

        var batch = new AttestationStore.NewAttestation[]
        {
            new(Build("test:a"), false),                   // 0: signed before: that one, Existing
            new(Build("test:b"), false),                   // 1: failed before: that one, claimed to be signed now
            new(Build("test:b"), false),                   // 2: the same again in the batch: the one item 1 claimed, Existing
            new(Build("test:d", "test", "test:c"), false), // 3: the pair in the other order: Existing
            new(Build("test:c"), false),                   // 4: only one of the pair's subjects: New
            new(Build("test:a", "provenance"), false), // 5: the same subject, another predicate type: New
            new(Build("test:a"), true),                    // 6: Force: New
            new(Build("test:e"), false),                   // 7: never seen: New
            new(Build("test:e"), false),                   // 8: the same again in the batch: item 7's, Existing
        };
        var answers = _store.Insert(batch, "me", "tester");

        Assert.Equal([AttestationStore.Recorded.Existing, AttestationStore.Recorded.Retry, AttestationStore.Recorded.Existing, AttestationStore.Recorded.Existing,
            AttestationStore.Recorded.New, AttestationStore.Recorded.New, AttestationStore.Recorded.New, AttestationStore.Recorded.New, AttestationStore.Recorded.Existing],
            answers.Select(a => a.How));
        Assert.Equal([signed.Id, failed.Id, failed.Id, pair.Id, batch[4].Record.Id, batch[5].Record.Id, batch[6].Record.Id, batch[7].Record.Id, batch[7].Record.Id],
            answers.Select(a => a.Record.Id));
        Assert.Equal("me", answers[1].Record.ClaimedBy);
        Assert.Equal(["created", "sign-failed", "retry"], _store.History(failed.Id).Select(e => e.Event));
        Assert.Equal(["created", "signed"], _store.History(signed.Id).Select(e => e.Event));
        // Nothing is written for an item answered with another attestation.
        foreach (var i in new[] { 0, 2, 3, 8 }) Assert.Null(_store.Find(batch[i].Record.Id));
        Assert.Equal(3L + 4, _store.CountByStatus().Values.Sum()); // the three before and the batch's four new ones
    }

    public void Dispose()
    {
        _core.Dispose();
    }
}

using Microsoft.Data.Sqlite;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Attestor;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// Subject digests are found through an index on the first 16 hex characters of their value (schema 12): each lookup
/// must use that index (SQLite ignores an index on an expression written otherwise), and digests that share the prefix
/// must still be told apart.
/// </summary>
public sealed class AttestationSubjectIndexTests : IDisposable
{
    private const string Shared = "0123456789abcdef";
    private static readonly string DigestA = "sha256:" + Shared + new string('a', 48);
    private static readonly string DigestB = "sha256:" + Shared + new string('b', 48);

    private readonly ManualTime _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly DaemonCore _core;
    private readonly AttestationStore _store;

    public AttestationSubjectIndexTests()
    {
        _core = new DaemonCore(_time);
        _store = new AttestationStore(_core.State);
    }

    private AttestationRecord Build(string name, string digest)
    {
        var s = SubjectFactory.Parse($"{name}@{digest}");
        var request = new AttestationRequest { Type = "test", Subjects = [new AttestationSubject { Name = s.Name, Digest = new Dictionary<string, string>(s.Digest) }] };
        return StatementBuilder.Build(request, _time.GetUtcNow(), "tester");
    }

    private string Plan(string sql, params (string Name, object Value)[] parameters)
    {
        using var c = _core.State.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        using var r = cmd.ExecuteReader();
        var lines = new List<string>();
        while (r.Read()) lines.Add(r.GetString(3));
        return string.Join("\n", lines);
    }

    [Fact]
    public void The_already_attested_lookup_and_the_list_by_digest_search_the_digest_prefix_index()
    {
        var batch = Plan(AttestationStore.StoredBySubjectSql, ("$prefixes", $"[\"{Shared}\"]"), ("$digests", $"[\"{DigestA}\"]"));
        Assert.Contains("USING INDEX attestation_subjects_digest_prefix", batch);
        var list = Plan($"SELECT a.id FROM attestations a WHERE {AttestationStore.SubjectDigestFilter};", ("$prefix", Shared), ("$digest", DigestA));
        Assert.Contains("USING INDEX attestation_subjects_digest_prefix", list);
        Assert.Equal(Shared, AttestationStore.DigestPrefix(DigestA));
        Assert.Equal("abc", AttestationStore.DigestPrefix("sha256:abc"));
    }

    [Fact]
    public void Digests_that_share_the_indexed_prefix_are_different_subjects()
    {
        var a = Build("app", DigestA);
        _store.Insert([new(a, true)], "me", "tester");
        _time.Advance(TimeSpan.FromSeconds(1));

        var answers = _store.Insert([new(Build("app", DigestB), false), new(Build("app", DigestA), false)], "me", "tester");

        Assert.Equal([AttestationStore.Recorded.New, AttestationStore.Recorded.Existing], answers.Select(x => x.How));
        Assert.Equal(a.Id, answers[1].Record.Id);
        Assert.Equal([a.Id], _store.List(null, null, null, DigestA, null, 10).Select(r => r.Id));
        Assert.Equal([answers[0].Record.Id], _store.List(null, null, null, DigestB, null, 10).Select(r => r.Id));
    }

    public void Dispose() => _core.Dispose();
}

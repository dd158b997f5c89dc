using Microsoft.Extensions.Logging.Abstractions;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The audit record of a mutating call joins the first transaction the call commits: the record is in the
/// database the moment the change is, before the call returns (a crash then loses neither or keeps both).
/// </summary>
public sealed class AuditLogTests : IDisposable
{
    private static readonly CallerIdentity Operator = new() { UserName = "alice", UserId = 1001, ProcessId = 42, Role = CallerRole.Operator };
    private readonly DaemonCore _core = new(new ManualTime(DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
    private readonly EventStore _events;
    private readonly AuditLog _audit;

    public AuditLogTests()
    {
        _events = new EventStore(_core.State);
        _audit = new AuditLog(_events, NullLogger<AuditLog>.Instance);
    }

    public void Dispose() => _core.Dispose();

    [Fact]
    public void A_change_commits_with_its_record_before_the_call_completes_and_the_record_is_not_written_twice()
    {
        var call = _audit.Begin(Operator, "config.SetAsync", "name=\"keys.alerts.expiring_days\", value=\"21\"");
        InFlow(call, () => _core.Settings.Set("keys.alerts.expiring_days", "21", Operator));

        // The call has not completed (the daemon could be killed right here): the record is already committed.
        var records = Audit();
        var record = Assert.Single(records);
        Assert.Contains("config.SetAsync by alice (uid 1001, pid 42, Operator) succeeded", record.Message);
        Assert.Contains("value=\"21\"", record.Message);

        call.Complete(succeeded: true);
        Assert.Single(Audit());
    }

    [Fact]
    public void A_failure_after_a_committed_change_adds_a_record_saying_so()
    {
        var call = _audit.Begin(Operator, "config.SetAsync", "name=\"keys.alerts.expiring_days\", value=\"22\"");
        InFlow(call, () => _core.Settings.Set("keys.alerts.expiring_days", "22", Operator));
        call.Complete(succeeded: false, "SomethingBroke");
        var records = Audit();
        Assert.Equal(2, records.Length);
        Assert.Contains(records, e => e.Message.Contains("failed after its change was committed", StringComparison.Ordinal) && e.Message.Contains("SomethingBroke", StringComparison.Ordinal));
    }

    [Fact]
    public void A_call_that_changes_nothing_in_the_database_is_recorded_when_it_completes_and_a_late_transaction_does_not_join()
    {
        var call = _audit.Begin(Operator, "hsm.ResetAsync", "reloadLibrary=false");
        Assert.Empty(Audit());
        call.Complete(succeeded: false, "HSM not configured");
        InFlow(call, () => _core.Settings.Set("keys.alerts.expiring_days", "23", Operator)); // after completion: not this call's
        var record = Assert.Single(Audit());
        Assert.Contains("hsm.ResetAsync by alice (uid 1001, pid 42, Operator) failed: reloadLibrary=false: HSM not configured", record.Message);
    }

    [Fact]
    public void A_rolled_back_transaction_leaves_no_record_and_the_next_one_carries_it()
    {
        var call = _audit.Begin(Operator, "config.SetAsync", "name=\"keys.alerts.expiring_days\", value=\"24\"");
        InFlow(call, () => Assert.Throws<InvalidOperationException>(() => _core.State.InTransaction<int>((_, _) => throw new InvalidOperationException("rolled back"))));
        Assert.Empty(Audit());
        InFlow(call, () => _core.Settings.Set("keys.alerts.expiring_days", "24", Operator));
        Assert.Single(Audit());
    }

    [Fact]
    public void Repeated_refusals_are_one_record_and_a_count()
    {
        var reader = Operator with { UserName = "bob", UserId = 1002, Role = CallerRole.Reader };
        for (var i = 0; i < 50; i++) _audit.RecordRefusal(reader, "config.SetAsync", $"value=\"{i}\"", "permission denied");
        Assert.Single(Audit());
        _audit.FlushRefusals(all: true);
        var records = Audit();
        Assert.Equal(2, records.Length);
        Assert.Contains(records, e => e.Message.Contains("config.SetAsync by bob (uid 1002) was refused 49 more time(s)", StringComparison.Ordinal));
    }

    private LogEvent[] Audit() => _events.Query(new LogQuery { Component = Components.Audit });

    /// <summary>Runs <paramref name="work"/> the way the RPC layer runs a call: with the call's record as the flow's transaction participant.</summary>
    private static void InFlow(TransactionParticipant call, Action work)
    {
        var previous = TransactionParticipant.Current;
        TransactionParticipant.Current = call;
        try { work(); }
        finally { TransactionParticipant.Current = previous; }
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// Records every mutating call with the caller's identity. A call's record is written in the same SQLite
/// transaction as the first change the call commits (<see cref="Begin"/>), or on its own before the answer
/// leaves the daemon when the call changed nothing in the database: a change never survives a crash without its
/// record. Refusals (a reader trying to change something) are recorded once per caller, action and interval, with
/// a count of the repeats, so a caller in a loop cannot grow the database without bound.
/// </summary>
public sealed class AuditLog(EventStore events, ILogger<AuditLog> logger)
{
    /// <summary>How long repeats of one refusal are only counted before their summary is written.</summary>
    public static readonly TimeSpan RefusalInterval = TimeSpan.FromSeconds(10);

    private readonly RepeatSuppressor<RefusalKey> _refusals = new(RefusalInterval);

    public void Record(CallerIdentity? caller, string action, string? detail, bool succeeded, string? error = null)
    {
        var who = Who(caller);
        Write(who, action, Message(who, action, detail, succeeded ? "succeeded" : "failed", error), succeeded);
    }

    /// <summary>A refused call: written at once the first time in an interval, counted afterwards (see <see cref="FlushRefusals"/>).</summary>
    public void RecordRefusal(CallerIdentity caller, string action, string? detail, string reason)
    {
        if (_refusals.ShouldWrite(new RefusalKey(caller.UserId, caller.UserName, action, reason)))
            Record(caller, action, detail, succeeded: false, reason);
    }

    /// <summary>Writes the count of the refusals suppressed in each interval that has ended (all of them at shutdown).</summary>
    public void FlushRefusals(bool all = false)
    {
        foreach (var (key, count) in _refusals.Drain(all))
        {
            var who = key is null ? "several callers" : $"{key.UserName} (uid {key.UserId})";
            var action = key?.Action ?? "calls";
            Write(who, action, $"{action} by {who} was refused {count} more time(s) in the last {new Duration(RefusalInterval)}: {key?.Reason ?? "refused"}", succeeded: false);
        }
    }

    /// <summary>
    /// Starts the record of a mutating call: until <see cref="AuditedCall.Complete"/>, the first write transaction of
    /// the call's async flow carries it (make it <see cref="TransactionParticipant.Current"/> for the call).
    /// </summary>
    public AuditedCall Begin(CallerIdentity caller, string action, string detail) => new(this, Who(caller), action, detail);

    /// <summary>As <see cref="Begin(CallerIdentity, string, string)"/>, for a change the daemon makes on its own (a timer's), recorded as the daemon's.</summary>
    public AuditedCall BeginDaemon(string action, string detail) => new(this, Who(null), action, detail);

    /// <summary>
    /// Starts the record of a change to files (which cannot join a transaction): writes the audit event "started"
    /// with <paramref name="about"/> (what is about to change) and an intent row holding <paramref name="intent"/>
    /// (what <paramref name="subject"/>'s start-up settling needs to tell whether it happened), in one transaction,
    /// before the change. Inside a mutating call, the record is the call's (its caller, action and arguments) and the
    /// call writes no other; otherwise it is the daemon's <paramref name="action"/>. <paramref name="effects"/> says,
    /// when the outcome is written, whether anything changed and what. With <paramref name="ownRecord"/> the intent is
    /// a record of its own inside the call (a file the call needs made on the way, such as the master key its first
    /// software key is sealed with): the call's caller, but <paramref name="action"/>, and the call keeps its own record,
    /// in the transaction of its own change.
    /// </summary>
    public AuditIntent StartIntent(string subject, string action, string about, string intent, Func<(bool Changed, string What)> effects, bool ownRecord = false)
    {
        var current = TransactionParticipant.Current as AuditedCall;
        var call = ownRecord ? null : current;
        var who = current?.Who ?? Who(null);
        action = call?.Action ?? action;
        var detail = call?.Detail ?? (ownRecord && current is not null ? $"during {current.Action}" : "");
        var message = $"{action} by {who} started{(detail.Length == 0 ? "" : ": " + detail)}: {about}";
        var id = events.StartIntent(Event(who, action, message, succeeded: true), subject, detail, intent);
        Journal(message);
        var started = new AuditIntent(this, id, who, action, detail, effects);
        call?.CarriedBy(started);
        return started;
    }

    /// <summary>The intents of <paramref name="subject"/> that no outcome completed (a crash came between): to settle at start.</summary>
    public IReadOnlyList<AuditIntentRecord> OpenIntents(string subject) => events.OpenIntents(subject);

    /// <summary>
    /// Completes an intent a crash interrupted, as found at start: "interrupted: applied", "interrupted: not applied", or,
    /// when what is on disk cannot tell (<paramref name="applied"/> null: a token's PIN is not read back), "interrupted:
    /// outcome unknown"; with what is on disk.
    /// </summary>
    public void SettleInterrupted(AuditIntentRecord open, bool? applied, string what)
    {
        var outcome = applied switch { true => "applied", false => "not applied", null => "outcome unknown" };
        var message = $"{open.Action} by {open.Caller} interrupted: {outcome} (intent {open.Id}, started {open.StartedAt:u})"
                      + $"{(open.Detail.Length == 0 ? "" : ": " + open.Detail)}: {what}";
        CompleteIntent(open.Id, Event(open.Caller, open.Action, message, succeeded: false));
    }

    /// <summary>
    /// At start, before anything of this process is open: settles every open intent of <paramref name="subject"/> with
    /// the outcome <paramref name="judge"/> reads from what is on disk, each with a warning naming
    /// <paramref name="change"/> (what kind of change it was) and <paramref name="source"/> (what the outcome was read from).
    /// </summary>
    public void SettleInterrupted(string subject, string change, string source, Func<AuditIntentRecord, (bool? Applied, string What)> judge)
    {
        foreach (var open in OpenIntents(subject))
        {
            var (applied, what) = judge(open);
            SettleInterrupted(open, applied, what);
            logger.LogWarning("{Change} {Action} (intent {Id}, started {Started:u} by {Caller}) was interrupted by a stop of the daemon; its audit is completed from {Source}.",
                change, open.Action, open.Id, open.StartedAt, open.Caller, source);
        }
    }

    /// <summary>An error as an intent's outcome shows it: the stable id and the message of an expected error, only the type of anything else.</summary>
    public static string ErrorId(Exception ex) => ex is OpsException ops ? $"{ops.Code}: {ops.Message}" : ex.GetType().Name;

    internal void CompleteIntent(long id, LogEvent completion)
    {
        events.CompleteIntent(id, completion);
        Journal(completion.Message);
    }

    private void Write(string who, string action, string message, bool succeeded)
    {
        events.Append([Event(who, action, message, succeeded)]);
        Journal(message);
    }

    /// <summary>Also to the journal, for central log collection.</summary>
    internal void Journal(string message) => logger.LogInformation("AUDIT {Message}", message);

    internal static LogEvent Event(string who, string action, string message, bool succeeded) => new()
    {
        Timestamp = DateTimeOffset.UtcNow,
        Level = succeeded ? Contracts.Rpc.LogLevel.Information : Contracts.Rpc.LogLevel.Warning,
        Component = Components.Audit,
        Category = action,
        Message = message,
        Caller = who,
    };

    private static string Who(CallerIdentity? caller) => caller?.ToString() ?? "daemon";

    private static string Message(string who, string action, string? detail, string outcome, string? error)
        => $"{action} by {who} {outcome}{(string.IsNullOrEmpty(detail) ? "" : ": " + detail)}{(error is null ? "" : ": " + error)}";

    private sealed record RefusalKey(int UserId, string UserName, string Action, string Reason);

    /// <summary>The audit record of one mutating call, joining the call's first committed write transaction.</summary>
    public sealed class AuditedCall : TransactionParticipant
    {
        private readonly AuditLog _log;
        private readonly string _who;
        private readonly string _action;
        private readonly string _detail;
        private readonly Lock _gate = new();
        private string? _pending;
        private bool _written;
        private bool _closed;
        private AuditIntent? _intent;

        internal AuditedCall(AuditLog log, string who, string action, string detail)
        {
            _log = log;
            _who = who;
            _action = action;
            _detail = detail;
        }

        internal string Who => _who;
        internal string Action => _action;
        internal string Detail => _detail;

        /// <summary>The call's record is <paramref name="intent"/>'s (started, then its outcome): the call writes none of its own.</summary>
        internal void CarriedBy(AuditIntent intent)
        {
            lock (_gate) _intent = intent;
        }

        public override void BeforeCommit(SqliteConnection connection, SqliteTransaction transaction)
        {
            lock (_gate)
            {
                if (_written || _closed || _intent is not null) return;
                // The change commits only if the call gets this far without throwing: it succeeded as far as the
                // database is concerned. A later failure of the call adds a record of its own (Complete).
                var message = Message(_who, _action, _detail, "succeeded", null);
                EventStore.Insert(connection, transaction, [Event(_who, _action, message, succeeded: true)]);
                _pending = message;
            }
        }

        public override void AfterCommit()
        {
            string? committed;
            lock (_gate)
            {
                committed = _pending;
                _pending = null;
                if (committed is not null) _written = true;
            }
            if (committed is not null) _log.Journal(committed);
        }

        /// <summary>Ends the call: writes its record unless a committed change already carries it, and a failure after a committed change.</summary>
        public void Complete(bool succeeded, string? error = null)
        {
            bool written;
            AuditIntent? intent;
            lock (_gate)
            {
                _closed = true;
                written = _written;
                intent = _intent;
            }
            if (intent is not null)
            {
                // Normally completed already by the change itself, with its error id; this covers a change that ended otherwise.
                intent.Complete(succeeded, error);
                return;
            }
            if (!written)
                _log.Write(_who, _action, Message(_who, _action, _detail, succeeded ? "succeeded" : "failed", succeeded ? null : error), succeeded);
            else if (!succeeded)
                _log.Write(_who, _action, Message(_who, _action, _detail, "failed after its change was committed", error), succeeded: false);
        }
    }
}

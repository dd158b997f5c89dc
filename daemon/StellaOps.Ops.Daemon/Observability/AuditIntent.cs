using Microsoft.Data.Sqlite;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// The audit record of a change to files, which cannot join a database transaction (<see cref="AuditLog.StartIntent"/>):
/// its "started" event and intent row are committed before the files change; <see cref="Complete"/> writes the
/// outcome (succeeded, succeeded with nothing changed, failed with the error id) and drops the intent row in one
/// transaction; a row a crash leaves behind is settled at start (<see cref="AuditLog.SettleInterrupted"/>).
/// While the change runs it is the flow's <see cref="TransactionParticipant"/>: a database write made meanwhile (a
/// setting the change sets) carries the notes made for it (<see cref="Note"/>) in its own transaction.
/// </summary>
public sealed class AuditIntent : TransactionParticipant
{
    private readonly AuditLog _log;
    private readonly Func<(bool Changed, string What)> _effects;
    private readonly Lock _gate = new();
    private readonly List<string> _unwritten = [];
    private string? _pendingStep;
    private bool _completed;

    internal AuditIntent(AuditLog log, long id, string who, string action, string detail, Func<(bool Changed, string What)> effects)
    {
        _log = log;
        Id = id;
        Who = who;
        Action = action;
        Detail = detail;
        _effects = effects;
    }

    /// <summary>The id of the "started" audit event; the completion names it.</summary>
    public long Id { get; }

    internal string Who { get; }
    internal string Action { get; }
    internal string Detail { get; }

    /// <summary>True once the outcome is written.</summary>
    public bool IsCompleted
    {
        get { lock (_gate) return _completed; }
    }

    /// <summary>Something the change did besides its files (a setting it set): written with the next write transaction of the flow, or with the outcome.</summary>
    public void Note(string note)
    {
        lock (_gate) _unwritten.Add(note);
    }

    public override void BeforeCommit(SqliteConnection connection, SqliteTransaction transaction)
    {
        lock (_gate)
        {
            if (_completed || _unwritten.Count == 0) return;
            var message = $"{Action} by {Who} in progress (intent {Id}): {string.Join("; ", _unwritten)}";
            EventStore.Insert(connection, transaction, [AuditLog.Event(Who, Action, message, succeeded: true)]);
            _pendingStep = message;
        }
    }

    public override void AfterCommit()
    {
        string? committed;
        lock (_gate)
        {
            committed = _pendingStep;
            _pendingStep = null;
            if (committed is not null) _unwritten.Clear();
        }
        if (committed is not null) _log.Journal(committed);
    }

    /// <summary>
    /// Runs <paramref name="change"/> (to files, which cannot join a transaction) with this intent as the flow's
    /// <see cref="TransactionParticipant"/>, so a database write it makes carries the intent's notes; then writes the
    /// outcome: succeeded, or failed with the error's id (<see cref="AuditLog.ErrorId"/>) unless the change completed it.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> change)
    {
        var previous = Current;
        Current = this;
        try
        {
            var result = await change().ConfigureAwait(false);
            Complete(succeeded: true);
            return result;
        }
        catch (Exception e) when (!IsCompleted)
        {
            Complete(succeeded: false, AuditLog.ErrorId(e));
            throw;
        }
        finally
        {
            Current = previous;
        }
    }

    /// <inheritdoc cref="RunAsync{T}(Func{Task{T}})"/>
    public Task RunAsync(Func<Task> change) => RunAsync(async () =>
    {
        await change().ConfigureAwait(false);
        return true;
    });

    /// <summary>
    /// Writes the outcome, once: succeeded (with what changed, or "nothing changed"), or failed with <paramref name="error"/>
    /// (and what had changed before the failure). A later call does nothing.
    /// </summary>
    public void Complete(bool succeeded, string? error = null)
    {
        string[] notes;
        lock (_gate)
        {
            if (_completed) return;
            notes = [.. _unwritten];
        }
        (bool Changed, string What) effects;
        try
        {
            effects = _effects();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            effects = (true, $"what changed could not be read ({e.GetType().Name})");
        }
        var outcome = succeeded ? effects.Changed ? "succeeded" : "succeeded, nothing changed" : "failed";
        var parts = new List<string>();
        if (Detail.Length > 0) parts.Add(Detail);
        if (!succeeded) parts.Add(error ?? "failed");
        parts.Add(succeeded ? effects.What
            : effects.Changed ? "changed before the failure: " + effects.What
            : "nothing was changed" + (effects.What.Length > 0 ? $" ({effects.What})" : ""));
        parts.AddRange(notes);
        var said = string.Join("; ", parts.Where(p => p.Length > 0));
        var message = $"{Action} by {Who} {outcome} (intent {Id}){(said.Length == 0 ? "" : ": " + said)}";
        _log.CompleteIntent(Id, AuditLog.Event(Who, Action, message, succeeded));
        lock (_gate)
        {
            _completed = true;
            _unwritten.Clear();
        }
    }
}

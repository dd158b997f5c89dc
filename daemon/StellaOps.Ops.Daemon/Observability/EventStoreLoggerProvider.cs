using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Contract = StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// Copies the daemon's own log events (Information and above, plus everything from StellaOps categories at
/// the configured level) into the event table, batched on a background writer so logging never waits on disk.
/// </summary>
public sealed class EventStoreLoggerProvider : ILoggerProvider
{
    private readonly Channel<Contract.LogEvent> _channel = Channel.CreateBounded<Contract.LogEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Task _writer;
    private EventStore? _store;
    // How many events were queued and how many the writer has taken off the queue (written or given up on), so that a
    // reader can wait for what was logged before it asked. A dropped event (the queue full) is never counted as taken:
    // the wait is bounded.
    private long _queued;
    private long _taken;
    private TaskCompletionSource _batchDone = NewBatchSignal();

    public EventStoreLoggerProvider()
    {
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Events logged before the database is open wait in the channel until it is attached.</summary>
    public void Attach(EventStore store) => Volatile.Write(ref _store, store);

    public ILogger CreateLogger(string categoryName) => new EventLogger(this, categoryName, Components.FromCategory(categoryName));

    private void Enqueue(Contract.LogEvent e)
    {
        if (_channel.Writer.TryWrite(e)) Interlocked.Increment(ref _queued);
    }

    /// <summary>
    /// Waits, at most <paramref name="timeout"/>, until every event logged before this call is in the event table:
    /// `stella crypto hsm logs` run right after an outage shows the outage's own lines, not an older view.
    /// </summary>
    public async Task FlushAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _queued);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (Interlocked.Read(ref _taken) < target && Volatile.Read(ref _store) is not null)
        {
            var signal = Volatile.Read(ref _batchDone).Task;
            if (Interlocked.Read(ref _taken) >= target) return;
            try { await signal.WaitAsync(deadline.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { return; } // bounded: answer with what is there
        }
    }

    private static TaskCompletionSource NewBatchSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task WriteLoopAsync()
    {
        var batch = new List<Contract.LogEvent>(256);
        while (await _channel.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (Volatile.Read(ref _store) is null)
            {
                if (_channel.Reader.Completion.IsCompleted) return;
                await Task.Delay(50).ConfigureAwait(false);
            }
            while (batch.Count < 256 && _channel.Reader.TryRead(out var e)) batch.Add(e);
            try
            {
                _store!.Append(batch);
            }
            catch (Exception ex)
            {
                // The event table must never take the daemon down; journald still has the line.
                Console.Error.WriteLine($"stella-opsd: could not write {batch.Count} log events to the state database: {ex.Message}");
            }
            Interlocked.Add(ref _taken, batch.Count);
            batch.Clear();
            Interlocked.Exchange(ref _batchDone, NewBatchSignal()).TrySetResult();
        }
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        // Flush what is queued, bounded so shutdown cannot hang on a broken disk.
        _writer.Wait(TimeSpan.FromSeconds(5));
    }

    private sealed class EventLogger(EventStoreLoggerProvider provider, string category, string component) : ILogger
    {
        private readonly bool _ours = category.StartsWith("StellaOps.", StringComparison.Ordinal);
        // Audit records are written synchronously by AuditLog itself; its journal line must not be stored twice.
        private readonly bool _skip = component == Components.Audit;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel)
            => !_skip && logLevel != Microsoft.Extensions.Logging.LogLevel.None
               && (logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning || (_ours && logLevel >= Microsoft.Extensions.Logging.LogLevel.Information));

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            provider.Enqueue(new Contract.LogEvent
            {
                Timestamp = DateTimeOffset.UtcNow,
                Level = (Contract.LogLevel)(int)logLevel,
                Component = component,
                Category = category,
                Message = formatter(state, exception),
                // Type and message only: stack traces stay in the journal, away from reader-role clients.
                Exception = exception is null ? null : $"{exception.GetType().Name}: {exception.Message}",
            });
        }
    }
}

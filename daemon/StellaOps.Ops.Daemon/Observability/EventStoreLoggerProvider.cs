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

    public EventStoreLoggerProvider()
    {
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Events logged before the database is open wait in the channel until it is attached.</summary>
    public void Attach(EventStore store) => Volatile.Write(ref _store, store);

    public ILogger CreateLogger(string categoryName) => new EventLogger(this, categoryName, Components.FromCategory(categoryName));

    private void Enqueue(Contract.LogEvent e) => _channel.Writer.TryWrite(e);

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
            batch.Clear();
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

using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Observability;

public sealed class LogRpc(EventStore events, EventStoreLoggerProvider eventLog) : ILogRpc
{
    // Long enough for the background writer's next batch on a loaded machine; a query never waits longer than this.
    private static readonly TimeSpan FlushWait = TimeSpan.FromSeconds(2);

    public async Task<LogEvent[]> QueryAsync(LogQuery query, CancellationToken cancellationToken)
    {
        // What the daemon logged before the question is part of the answer (the writer batches in the background).
        await eventLog.FlushAsync(FlushWait, cancellationToken).ConfigureAwait(false);
        return events.Query(query);
    }
}

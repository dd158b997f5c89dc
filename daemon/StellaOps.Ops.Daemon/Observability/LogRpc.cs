using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Observability;

public sealed class LogRpc(EventStore events) : ILogRpc
{
    public Task<LogEvent[]> QueryAsync(LogQuery query, CancellationToken cancellationToken) => Task.FromResult(events.Query(query));
}

using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>The daemon's queryable event store (behind Get-StellaLog).</summary>
[JsonRpcContract]
public partial interface ILogRpc
{
    [RequiresRole(CallerRole.Reader)]
    Task<LogEvent[]> QueryAsync(LogQuery query, CancellationToken cancellationToken);
}

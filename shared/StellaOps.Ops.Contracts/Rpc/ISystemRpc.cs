using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>Connection set-up and the daemon's own state.</summary>
[JsonRpcContract]
public partial interface ISystemRpc
{
    /// <summary>First call on every connection: versions both ways and who the daemon thinks the caller is.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<HandshakeResponse> HandshakeAsync(HandshakeRequest request, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Reader)]
    Task<DaemonStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>Re-reads the configuration file and applies settings live (<c>stella attest reload</c>).</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<ReloadResult> ReloadAsync(CancellationToken cancellationToken);

    /// <summary>A long-running no-op for clients and tests of cancellation and progress. Does nothing else.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<int> WaitAsync(Duration duration, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>The daemon's metrics (counters such as <c>attestor_signing_failures_total</c>) as they stand now.</summary>
    /// <param name="name">A metric name, wildcards allowed; null for all.</param>
    [RequiresRole(CallerRole.Reader)]
    Task<MetricSample[]> GetMetricsAsync(string? name, CancellationToken cancellationToken);
}

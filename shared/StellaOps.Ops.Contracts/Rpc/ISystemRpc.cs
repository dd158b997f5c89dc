using StellaOps.Ops.Contracts.Text;
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

public enum MetricKind { Counter, UpDownCounter, Gauge, Histogram }

/// <summary>One time series: a metric name and its tags, with the value since the daemon started (histograms: count and sum).</summary>
public sealed record MetricSample
{
    public string Name { get; init; } = "";
    public MetricKind Kind { get; init; }
    public string Description { get; init; } = "";
    public string? Unit { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public double Value { get; init; }
    /// <summary>Histograms only: how many measurements <see cref="Value"/> (their sum) is made of.</summary>
    public long? Count { get; init; }
}

public sealed record HandshakeRequest
{
    public int ProtocolVersion { get; init; } = Protocol.Version;
    public string ClientName { get; init; } = "";
    public string ClientVersion { get; init; } = "";
}

public sealed record HandshakeResponse
{
    public int ProtocolVersion { get; init; }
    public string DaemonVersion { get; init; } = "";
    public CallerIdentity Caller { get; init; } = new();
    public string Endpoint { get; init; } = "";
}

public sealed record DaemonStatus
{
    public string Version { get; init; } = "";
    public int ProtocolVersion { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public TimeSpan Uptime { get; init; }
    public string Endpoint { get; init; } = "";
    public string StateDirectory { get; init; } = "";
    public int ProcessId { get; init; }
    public CallerIdentity Caller { get; init; } = new();
    public int SchemaVersion { get; init; }
    public int Connections { get; init; }
    public IReadOnlyList<CapabilityStatus> Capabilities { get; init; } = [];

    public override string ToString() => $"{Version} pid {ProcessId}, up {DisplayText.Uptime(Uptime)}, {Endpoint}";
}

public enum CapabilityState { Ready, Degraded, Down, NotConfigured, Starting }

/// <summary>The state of one capability (ipc, storage, hsm, keys, signing, …) as it reports itself.</summary>
public sealed record CapabilityStatus
{
    public string Name { get; init; } = "";
    public CapabilityState State { get; init; }
    public string Message { get; init; } = "";

    public override string ToString() => $"{Name}: {State}";
}

public sealed record ReloadResult
{
    public IReadOnlyList<string> Changed { get; init; } = [];
    public DateTimeOffset ReloadedAt { get; init; }
    /// <summary>What a capability could not apply (e.g. the HSM is unreachable); the rest of the reload still took effect.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed record OperationProgress
{
    public string Activity { get; init; } = "";
    public string Status { get; init; } = "";
    /// <summary>0–100, or -1 when unknown.</summary>
    public int PercentComplete { get; init; } = -1;
}

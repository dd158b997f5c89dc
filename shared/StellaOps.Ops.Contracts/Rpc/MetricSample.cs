namespace StellaOps.Ops.Contracts.Rpc;

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

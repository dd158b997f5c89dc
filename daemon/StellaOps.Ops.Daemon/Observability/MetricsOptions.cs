namespace StellaOps.Ops.Daemon.Observability;

/// <summary>The Prometheus endpoint's settings (<c>metrics.listen</c>, <c>metrics.allow_non_loopback</c>), read at start.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>host:port to serve /metrics on; empty serves none.</summary>
    public string Listen { get; set; } = "";

    public bool AllowNonLoopback { get; set; }
}

using System.Diagnostics.Metrics;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Observability;

namespace StellaOps.Ops.Daemon.Tests;

public sealed class MetricsRegistryTests
{
    [Fact]
    public void A_counter_reads_zero_before_it_counts_then_sums_per_tag_set_and_other_meters_are_ignored()
    {
        using var registry = new MetricsRegistry();
        using var meter = new Meter($"{MetricsRegistry.MeterPrefix}.Tests.{Guid.NewGuid():N}");
        using var foreign = new Meter($"Other.{Guid.NewGuid():N}");
        var failures = meter.CreateCounter<long>("test_failures_total", description: "failures");
        foreign.CreateCounter<long>("foreign_total").Add(5);

        var zero = Assert.Single(registry.Snapshot("test_failures_total"));
        Assert.Equal((MetricKind.Counter, 0d), (zero.Kind, zero.Value));
        Assert.Empty(zero.Tags);

        failures.Add(2, new KeyValuePair<string, object?>("reason", "HsmUnavailable"));
        failures.Add(3, new KeyValuePair<string, object?>("reason", "HsmUnavailable"));
        failures.Add(1, new KeyValuePair<string, object?>("reason", "KeyExpired"));

        var samples = registry.Snapshot("test_*");
        Assert.Equal(2, samples.Count);
        Assert.Equal(5, samples.Single(s => s.Tags["reason"] == "HsmUnavailable").Value);
        Assert.Equal(1, samples.Single(s => s.Tags["reason"] == "KeyExpired").Value);
        Assert.Equal(6, registry.Total("test_failures_total"));
        Assert.Empty(registry.Snapshot("foreign_total"));
    }

    [Fact]
    public void A_gauge_keeps_its_last_value_and_a_histogram_its_sum_and_count()
    {
        using var registry = new MetricsRegistry();
        using var meter = new Meter($"{MetricsRegistry.MeterPrefix}.Tests.{Guid.NewGuid():N}");
        var gauge = meter.CreateGauge<int>("test_sessions");
        var latency = meter.CreateHistogram<double>("test_latency_ms");

        gauge.Record(4);
        gauge.Record(2);
        latency.Record(1.5);
        latency.Record(2.5);

        Assert.Equal(2, Assert.Single(registry.Snapshot("test_sessions")).Value);
        var histogram = Assert.Single(registry.Snapshot("test_latency_ms"));
        Assert.Equal((MetricKind.Histogram, 4d, 2L), (histogram.Kind, histogram.Value, histogram.Count));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// Listens to every <see cref="Meter"/> of this product ("StellaOps.Ops.*") and keeps each time series' value since
/// start, so <c>Get-StellaMetric</c> (and a Prometheus exporter, later) reads the runbooks' metrics by name. Created
/// before the host is built, so no measurement made during start-up is missed.
/// </summary>
public sealed class MetricsRegistry : IDisposable
{
    public const string MeterPrefix = "StellaOps.Ops";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<SeriesKey, Series> _series = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new(StringComparer.Ordinal);

    public MetricsRegistry()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal)) return;
            _instruments.TryAdd(instrument.Name, instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>
    /// Current samples, ordered by name then tags; observable instruments are read now. A counter that has not
    /// counted yet reads 0 (one sample without tags), so "no failures" and "no such metric" look different.
    /// </summary>
    public IReadOnlyList<MetricSample> Snapshot(string? namePattern = null)
    {
        _listener.RecordObservableInstruments();
        var matcher = string.IsNullOrEmpty(namePattern) ? null : new WildcardMatcher(namePattern);
        var measured = _series.Keys.Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
        var unmeasured = _instruments.Values
            .Where(i => !measured.Contains(i.Name))
            .Select(i => new MetricSample { Name = i.Name, Kind = KindOf(i), Description = i.Description ?? "", Unit = i.Unit, Count = KindOf(i) == MetricKind.Histogram ? 0 : null });
        return [.. _series
            .Select(kv => kv.Value.ToSample(kv.Key))
            .Concat(unmeasured)
            .Where(s => matcher is null || matcher.IsMatch(s.Name))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ThenBy(s => string.Join(',', s.Tags.Select(t => $"{t.Key}={t.Value}")), StringComparer.Ordinal)];
    }

    /// <summary>The summed value of a metric over all its tag sets (0 when never recorded).</summary>
    public double Total(string name) => _series.Where(kv => kv.Key.Name == name).Sum(kv => kv.Value.Value);

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var sorted = ToTags(tags);
        var key = new SeriesKey(instrument.Name, string.Join('\u001f', sorted.Select(t => $"{t.Key}\u001e{t.Value}")));
        var series = _series.GetOrAdd(key, _ => new Series(KindOf(instrument), instrument.IsObservable, instrument.Description ?? "", instrument.Unit, sorted));
        series.Add(value);
    }

    private static SortedDictionary<string, string> ToTags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tags) sorted[t.Key] = t.Value?.ToString() ?? "";
        return sorted;
    }

    private static MetricKind KindOf(Instrument instrument)
    {
        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>)) return MetricKind.Counter;
        if (type == typeof(UpDownCounter<>) || type == typeof(ObservableUpDownCounter<>)) return MetricKind.UpDownCounter;
        if (type == typeof(Histogram<>)) return MetricKind.Histogram;
        return MetricKind.Gauge;
    }

    private readonly record struct SeriesKey(string Name, string Tags);

    private sealed class Series(MetricKind kind, bool observable, string description, string? unit, IReadOnlyDictionary<string, string> tags)
    {
        private readonly Lock _gate = new();
        private double _value;
        private long _count;

        public double Value { get { lock (_gate) return _value; } }

        public void Add(double measurement)
        {
            lock (_gate)
            {
                // Counters and histograms accumulate; gauges and observable instruments (which report their total) replace.
                if (observable || kind is MetricKind.Gauge) _value = measurement;
                else _value += measurement;
                _count++;
            }
        }

        public MetricSample ToSample(SeriesKey key)
        {
            lock (_gate)
            {
                return new MetricSample
                {
                    Name = key.Name, Kind = kind, Description = description, Unit = unit, Tags = tags,
                    Value = _value, Count = kind == MetricKind.Histogram ? _count : null,
                };
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// Republishes every instrument of the product's meters ("StellaOps.Ops.*") for prometheus-net's meter adapter under the
/// names the runbooks use. The adapter names a series "{meter}_{instrument}"; ours are named in full by the instrument
/// (attestor_signing_failures_total, on meter StellaOps.Ops.Attestor), so each mirror lives on a meter named by the
/// first word of the instrument's name ("attestor") and carries the rest ("signing_failures_total"). Measurements are
/// forwarded as they happen; observable instruments are read once per scrape (<see cref="RecordObservables"/>). A counter
/// starts with one 0 sample without tags, so "no failures yet" is a series an alert can compute a rate from.
/// </summary>
public sealed class PrometheusMeterBridge : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Meter> _meters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Instrument, Mirror> _mirrors = new();
    private readonly Lock _observeGate = new();

    /// <summary>Whether the adapter should publish this instrument: one of this bridge's mirrors.</summary>
    public bool Owns(Instrument instrument) => ReferenceEquals(instrument.Meter.Scope, this);

    /// <summary>Starts mirroring; call after the adapters listen, so the first 0 of each counter reaches them.</summary>
    public void Start()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!instrument.Meter.Name.StartsWith(MetricsRegistry.MeterPrefix, StringComparison.Ordinal)) return;
            var mirror = Mirror.Create(this, instrument);
            if (mirror is null || !_mirrors.TryAdd(instrument, mirror)) return;
            listener.EnableMeasurementEvents(instrument);
            mirror.Started();
        };
        _listener.MeasurementsCompleted = (instrument, _) => _mirrors.TryRemove(instrument, out Mirror? _);
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Forward(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Forward(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Forward(i, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Forward(i, v, tags));
        _listener.Start();
    }

    /// <summary>
    /// Before each scrape: reads every observable source instrument (the mirrors answer with these values until the next
    /// call) and touches every counter's series, so a counter that has not moved for a long time is not expired by the adapter.
    /// </summary>
    public void RecordObservables()
    {
        lock (_observeGate)
        {
            foreach (var m in _mirrors.Values) m.BeginObservation();
            _listener.RecordObservableInstruments();
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        foreach (var meter in _meters.Values) meter.Dispose();
    }

    private void Forward(Instrument source, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_mirrors.TryGetValue(source, out var mirror)) mirror.Record(value, tags);
    }

    private Meter MeterFor(string name) => _meters.GetOrAdd(name, n => new Meter(new MeterOptions(n) { Scope = this }));

    /// <summary>One source instrument's mirror.</summary>
    private abstract class Mirror
    {
        public static Mirror? Create(PrometheusMeterBridge bridge, Instrument source)
        {
            var cut = source.Name.IndexOf('_', StringComparison.Ordinal);
            if (cut <= 0 || cut == source.Name.Length - 1) return null;
            var meter = bridge.MeterFor(source.Name[..cut]);
            var name = source.Name[(cut + 1)..];
            var type = source.GetType().GetGenericTypeDefinition();
            if (type == typeof(Counter<>)) return new Forwarded(meter.CreateCounter<double>(name, source.Unit, source.Description), isCounter: true);
            if (type == typeof(UpDownCounter<>)) return new Forwarded(meter.CreateUpDownCounter<double>(name, source.Unit, source.Description), isCounter: true);
            if (type == typeof(Histogram<>)) return new Forwarded(meter.CreateHistogram<double>(name, source.Unit, source.Description), isCounter: false);
            var observed = new Observed();
            if (type == typeof(ObservableCounter<>)) meter.CreateObservableCounter(name, observed.Read, source.Unit, source.Description);
            else if (type == typeof(ObservableUpDownCounter<>)) meter.CreateObservableUpDownCounter(name, observed.Read, source.Unit, source.Description);
            // Observable gauges and synchronous gauges (last value wins) both read as a gauge.
            else meter.CreateObservableGauge(name, observed.Read, source.Unit, source.Description);
            observed.KeepLastValue = !source.IsObservable;
            return observed;
        }

        public virtual void Started() { }
        public virtual void BeginObservation() { }
        public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);
    }

    private sealed class Forwarded(Instrument mirror, bool isCounter) : Mirror
    {
        private readonly ConcurrentDictionary<string, KeyValuePair<string, object?>[]> _tagSets = new(StringComparer.Ordinal);

        public override void Started()
        {
            if (isCounter) Record(0, []);
        }

        public override void BeginObservation()
        {
            foreach (var tags in _tagSets.Values) Add(0, tags);
        }

        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (mirror is Histogram<double> h)
            {
                h.Record(value, tags);
                return;
            }
            Add(value, tags);
            var copy = tags.ToArray();
            _tagSets.TryAdd(TagKey(copy), copy);
        }

        private void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (mirror is Counter<double> c) c.Add(value, tags);
            else if (mirror is UpDownCounter<double> u) u.Add(value, tags);
        }
    }

    private static string TagKey(IEnumerable<KeyValuePair<string, object?>> tags)
        => string.Join('\u001f', tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}\u001e{t.Value}"));

    /// <summary>The values an observable source reported at the last reading (or, for a synchronous gauge, its last value per tag set).</summary>
    private sealed class Observed : Mirror
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, Measurement<double>> _values = new(StringComparer.Ordinal);

        public bool KeepLastValue { get; set; }

        public override void BeginObservation()
        {
            if (KeepLastValue) return;
            lock (_gate) _values.Clear();
        }

        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var measurement = new Measurement<double>(value, tags);
            var key = TagKey(measurement.Tags.ToArray());
            lock (_gate) _values[key] = measurement;
        }

        public IEnumerable<Measurement<double>> Read()
        {
            lock (_gate) return [.. _values.Values];
        }
    }
}

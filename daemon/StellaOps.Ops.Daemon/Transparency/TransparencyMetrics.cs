using System.Diagnostics.Metrics;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>
/// The log client's metrics (runbook 004) and the last hour's counts the doctor judges: circuit opens per hour,
/// submissions and failures (the failure rate).
/// </summary>
public sealed class TransparencyMetrics : IDisposable
{
    public const string MeterName = "StellaOps.Ops.Transparency";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _opens;
    private readonly Counter<long> _submissions;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _duration;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Queue<(DateTimeOffset At, char Kind)> _recent = new();

    public TransparencyMetrics(TimeProvider time)
    {
        _time = time;
        _opens = _meter.CreateCounter<long>("attestor_circuit_breaker_opens_total", description: "Circuit-breaker opens, by transparency-log backend.");
        _submissions = _meter.CreateCounter<long>("attestor_tlog_submissions_total", description: "Entries logged and verified, by backend.");
        _failures = _meter.CreateCounter<long>("attestor_tlog_submission_failures_total", description: "Failed submissions, by backend and reason.");
        _duration = _meter.CreateHistogram<double>("attestor_tlog_submission_duration_seconds", unit: "s", description: "Time from submission to a verified entry.");
    }

    /// <summary>Registers the outbox gauges (depth, age of the oldest), read from the store when metrics are read.</summary>
    public void ObserveOutbox(Func<(long Depth, DateTimeOffset? Oldest)> outbox)
    {
        _meter.CreateObservableGauge("attestor_outbox_depth", () => outbox().Depth, description: "Attestations waiting to be logged.");
        _meter.CreateObservableGauge("attestor_outbox_oldest_age_seconds",
            () => outbox().Oldest is { } o ? Math.Max(0, (_time.GetUtcNow() - o).TotalSeconds) : 0, unit: "s", description: "Age of the oldest attestation waiting to be logged.");
    }

    public void CircuitOpened(string backend)
    {
        _opens.Add(1, new KeyValuePair<string, object?>("backend", backend));
        Note('o');
    }

    public void Submitted(string backend, TimeSpan took)
    {
        _submissions.Add(1, new KeyValuePair<string, object?>("backend", backend));
        _duration.Record(took.TotalSeconds);
        Note('s');
    }

    public void Failed(string backend, string reason)
    {
        _failures.Add(1, new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("reason", reason));
        Note('f');
    }

    /// <summary>In the last hour: circuit opens, successful submissions, failed submissions.</summary>
    public (int Opens, int Submissions, int Failures) LastHour()
    {
        lock (_gate)
        {
            Trim();
            return (_recent.Count(e => e.Kind == 'o'), _recent.Count(e => e.Kind == 's'), _recent.Count(e => e.Kind == 'f'));
        }
    }

    private void Note(char kind)
    {
        lock (_gate)
        {
            _recent.Enqueue((_time.GetUtcNow(), kind));
            Trim();
        }
    }

    private void Trim()
    {
        var since = _time.GetUtcNow().AddHours(-1);
        while (_recent.Count > 0 && (_recent.Peek().At < since || _recent.Count > 200_000)) _recent.Dequeue();
    }

    public void Dispose() => _meter.Dispose();
}

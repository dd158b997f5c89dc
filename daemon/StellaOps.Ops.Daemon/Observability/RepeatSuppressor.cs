namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// Lets the first event of each key through and counts its repeats for an interval, so a flood of the same
/// event (a stranger reconnecting in a loop, a reader retrying a change it may not make) costs one record when
/// it starts and one summary with the count per interval, not one record each. Keys are bounded: past
/// <paramref name="maxKeys"/> distinct keys in flight, new ones are only counted, under a null key.
/// </summary>
public sealed class RepeatSuppressor<TKey>(TimeSpan interval, int maxKeys = 1024) where TKey : class
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, Window> _windows = [];
    private Window? _overflow;

    public TimeSpan Interval => interval;

    /// <summary>True when this event should be written now; false when it was counted into its key's summary.</summary>
    public bool ShouldWrite(TKey key)
    {
        var now = Environment.TickCount64;
        lock (_gate)
        {
            if (_windows.TryGetValue(key, out var window))
            {
                window.Suppressed++;
                return false;
            }
            if (_windows.Count >= maxKeys)
            {
                _overflow ??= new Window(now);
                _overflow.Suppressed++;
                return false;
            }
            _windows[key] = new Window(now);
            return true;
        }
    }

    /// <summary>
    /// Ends the windows that are older than the interval (all of them when <paramref name="all"/>) and returns what
    /// they counted: each key with repeats, and a null key for the events counted past the key limit.
    /// </summary>
    public IReadOnlyList<(TKey? Key, int Count)> Drain(bool all = false)
    {
        var now = Environment.TickCount64;
        var ms = (long)interval.TotalMilliseconds;
        var done = new List<(TKey? Key, int Count)>();
        lock (_gate)
        {
            foreach (var (key, window) in _windows.Where(kv => all || now - kv.Value.Start >= ms).ToList())
            {
                _windows.Remove(key);
                if (window.Suppressed > 0) done.Add((key, window.Suppressed));
            }
            if (_overflow is { } o && (all || now - o.Start >= ms))
            {
                _overflow = null;
                done.Add((null, o.Suppressed));
            }
        }
        return done;
    }

    private sealed class Window(long start)
    {
        public long Start { get; } = start;
        public int Suppressed { get; set; }
    }
}

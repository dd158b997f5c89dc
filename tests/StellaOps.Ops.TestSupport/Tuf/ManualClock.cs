namespace StellaOps.Ops.TestSupport.Tuf;

/// <summary>
/// A clock the test sets: freeze attacks, expiry, a clock that goes backwards. Its timers (<see cref="CreateTimer"/>)
/// fire on the thread that moves the clock, when a move reaches their due time (never by themselves): behaviour at
/// an expiry with no real waiting.
/// </summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualClockTimer> _timers = [];
    private DateTimeOffset _now = now;

    public DateTimeOffset Now
    {
        get
        {
            lock (_gate) return _now;
        }
        set
        {
            lock (_gate) _now = value;
            FireDue();
        }
    }

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;

    /// <summary>Timers armed and not yet fired or disposed.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate) return _timers.Count(t => t.Due is not null);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualClockTimer(this, callback, state);
        lock (_gate) _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    private void FireDue()
    {
        while (true)
        {
            ManualClockTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due is { } due && due <= _now).MinBy(t => t.Due);
                if (next is null) return;
                next.Due = next.Period is { } p ? next.Due + p : null;
            }
            next.Callback(next.State);
        }
    }

    private sealed class ManualClockTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback => callback;
        public object? State => state;
        public DateTimeOffset? Due { get; set; }
        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            }
            return true;
        }

        public void Dispose()
        {
            lock (clock._gate)
            {
                Due = null;
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
